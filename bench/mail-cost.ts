/**
 * Cost per mail as the data grows (issue #23): the store is filled to 1 000 tickets (each with its
 * customer, contact and message), mails are ingested, then it is filled to 50 000 and the same
 * mails are ingested again. For each size, three runs of MAILS new mails (each from a new sender:
 * a new customer and a new ticket, the costliest path) sent over SMTP with the `mail-in` queue
 * held, then ingested alone: round trips to MongoDB per mail (the driver's command events,
 * src/infra/command-monitor.ts), CPU ms per mail in the app process and in mongo-java-server,
 * and the rate. The ratio 50 000 ÷ 1 000 is the figure: within 20 % means the cost does not grow
 * with the data. Own stores on 127.0.0.1; the app's workers in this process.
 * A warm-up run at the first size comes first and is not counted.
 *   npx tsx bench/mail-cost.ts        (MAILS=200 SIZES=1000,50000 RUNS=3 to change)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import nodemailer from 'nodemailer';
import type { EmailModule } from '../src/channels/email/email.module';
import { CommandRecorder } from '../src/infra/command-monitor';
import { QUEUE_NAMES } from '../src/infra/queues';
import { fillTickets } from './lib/fill';
import { deadline, loadAverage, runBench, startBenchApp, summary } from './lib/harness';

const MAILS = Number(process.env.MAILS ?? 200);
const SIZES = (process.env.SIZES ?? '1000,50000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 3);

/** CPU seconds a child process used so far (user + system, from /proc). */
/** Resident memory of a process in MB (VmRSS from /proc). */
function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Seconds the JVM spent in garbage collection so far (jstat's GCT), NaN where jstat is missing. */
function gcSeconds(pid: number | undefined): number {
  try {
    const out = execFileSync('jstat', ['-gc', String(pid)], { encoding: 'utf8' }).trim().split('\n');
    const head = out[0].trim().split(/\s+/);
    const vals = out[1].trim().split(/\s+/);
    return Number(vals[head.indexOf('GCT')]);
  } catch {
    return NaN;
  }
}

function processCpu(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main() {
  const cancel = deadline(15 * 60_000, 'bench did not finish within 15 minutes', 1);
  const app = await startBenchApp({ name: 'mailcost', logLevel: 'silent', mongoHeap: '1g', monitorCommands: true, env: { SMTP_MESSAGES_PER_IP_PER_HOUR: '1000000', SMTP_MAX_CONNECTIONS_PER_IP: '1000' } });
  const { c } = app;
  const rec = new CommandRecorder(c.conn);
  // SHOW=1: the store's time per command kind (driver's commandSucceeded durations), to see what grows
  const took = new Map<string, { n: number; ms: number }>();
  if (process.env.SHOW) {
    const names = new Map<number, string>();
    c.conn.getClient().on('commandStarted', (e) => names.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName] ?? '')}`));
    c.conn.getClient().on('commandSucceeded', (e) => {
      const k = names.get(e.requestId) ?? e.commandName;
      names.delete(e.requestId);
      const v = took.get(k) ?? { n: 0, ms: 0 };
      v.n++;
      v.ms += e.duration;
      took.set(k, v);
    });
  }
  const port = (c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort;
  const queue = c.queues.get('mail-in');
  const { Ticket } = c.models;
  const mongoPid = app.stores.mongo.process.pid;
  let filled = await Ticket.estimatedDocumentCount();
  /** mails the workers turned into new tickets so far (the app's mail-intake metric, no store read) */
  const created = async () => (await c.metrics.mailIngested.get()).values.filter((v) => v.labels.outcome === 'created').reduce((n, v) => n + v.value, 0);
  // HOLD=1: every queue but mail intake/delivery paused, i.e. no sweeper or periodic job runs (a diagnosis, not the figure)
  if (process.env.HOLD) for (const name of QUEUE_NAMES) if (name !== 'mail-in' && name !== 'mail-out') await c.queues.get(name).pause();
  let sent = 0;
  const rows: { size: number; perMailRt: number; appMs: number; storeMs: number; rate: number }[] = [];
  try {
    console.log(`mail cost as the data grows: ${MAILS} new mails (new sender, new ticket) per run, ${RUNS} runs per size; load ${loadAverage()}`);
    for (const size of SIZES) {
      // fill: tickets with a customer, a contact and a message each, written straight to the collections
      const t0 = Date.now();
      filled = await fillTickets(c.conn.db!, filled, size);
      console.log(`  ${size} tickets in the store (filled in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      // run 0, at the first size only, warms both processes' JITs up and is not counted: the store's
      // first 200 mails cost it several times the later ones, which would flatter the larger size
      for (let run = size === SIZES[0] ? 0 : 1; run <= RUNS; run++) {
        await queue.pause();
        const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 10 });
        const first = sent;
        await Promise.all(
          Array.from({ length: MAILS }, (_, i) => {
            const k = first + i;
            return t.sendMail({ envelope: { from: `sender${k}@example.com`, to: ['support@demo.local'] }, from: `Sender ${k} <sender${k}@example.com>`, to: 'support@demo.local', subject: `Washer fault ${k}`, messageId: `<cost-${k}@example.com>`, text: `The washer shows E${k % 30}.\n${'x'.repeat(1500)}` });
          }),
        );
        t.close();
        sent += MAILS;
        const before = await created();
        rec.reset();
        rec.start();
        const cpu0 = process.cpuUsage();
        const store0 = processCpu(mongoPid);
        const gc0 = gcSeconds(mongoPid);
        took.clear();
        const start = Date.now();
        await queue.resume();
        // progress from the app's own counter (in this process): a count in the store would scan
        // the tickets every poll and charge the store a cost that grows with the data
        let done = 0;
        while (done < MAILS && Date.now() - start < 120_000) {
          await new Promise((r) => setTimeout(r, 100));
          done = (await created()) - before;
        }
        await c.events.flush();
        const ms = Date.now() - start;
        rec.stop();
        const cpu = process.cpuUsage(cpu0);
        const appMs = (cpu.user + cpu.system) / 1000 / done;
        const storeMs = ((processCpu(mongoPid) - store0) * 1000) / done;
        const gcMs = ((gcSeconds(mongoPid) - gc0) * 1000) / done;
        const perMailRt = rec.commands.length / done;
        if (run > 0) rows.push({ size, perMailRt, appMs, storeMs, rate: done / (ms / 1000) });
        console.log(`  ${run ? `run ${run}` : 'warm-up (not counted)'} at ${size} (load ${loadAverage()}): ${done} mails in ${(ms / 1000).toFixed(1)} s = ${(done / (ms / 1000)).toFixed(0)} mails/s; per mail ${perMailRt.toFixed(1)} round trips, ${appMs.toFixed(1)} ms app CPU, ${storeMs.toFixed(1)} ms mongo-java-server CPU (of which ${gcMs.toFixed(1)} ms its GC); scans ${rec.scans().length}`);
        if (process.env.SHOW) {
          const why = new Map<string, number>();
          for (const x of rec.scans()) why.set(x.why!.slice(0, 160), (why.get(x.why!.slice(0, 160)) ?? 0) + 1);
          console.log(rec.describe(), [...why].sort((a, b) => b[1] - a[1]).slice(0, 20));
          console.log('  store time per mail by command (ms):', [...took].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([k, v]) => `${k} ${(v.ms / done).toFixed(2)} (${v.n}× mean ${(v.ms / v.n).toFixed(2)})`).join(', '));
        }
        filled += done;
      }
    }
    const pids = { 'app (API and workers in one process)': process.pid, 'mongo-java-server (-Xmx1g here)': mongoPid, redis: app.stores.redis.process.pid };
    console.log(`  resident memory at ${filled} tickets: ${Object.entries(pids).map(([k, pid]) => `${k} ${rssMb(pid).toFixed(0)} MB`).join(', ')}`);
    const at = (size: number, f: (r: (typeof rows)[number]) => number) => summary(rows.filter((r) => r.size === size).map(f));
    const [small, big] = SIZES;
    if (big !== undefined) {
      for (const [label, f] of [['round trips', (r: (typeof rows)[number]) => r.perMailRt], ['app CPU ms', (r: (typeof rows)[number]) => r.appMs], ['store CPU ms', (r: (typeof rows)[number]) => r.storeMs]] as const) {
        const a = at(small, f);
        const b = at(big, f);
        console.log(`  per mail ${label}: ${small} tickets median ${a.p50.toFixed(1)} (${Math.min(...rows.filter((r) => r.size === small).map(f)).toFixed(1)}–${a.max.toFixed(1)}), ${big} tickets median ${b.p50.toFixed(1)} (${Math.min(...rows.filter((r) => r.size === big).map(f)).toFixed(1)}–${b.max.toFixed(1)}): ratio ${(b.p50 / a.p50).toFixed(2)} (limit 1.20)`);
      }
    }
  } finally {
    cancel();
    await app.close();
  }
}

runBench(main);
