/**
 * Mail intake under load: a mix of small mails and multi-megabyte ones (one of 10 MB) sent over
 * 50 SMTP connections into the intake, the `mail-in` workers in the same process. Reports mails
 * accepted and ingested (stored as tickets) per second and the slowest event-loop stall of the
 * app process (perf_hooks.monitorEventLoopDelay). The senders run in a child process, so their
 * own work does not count as the app's stall. Own stores (mongo-java-server, Redis) on 127.0.0.1.
 *   npx tsx bench/mail-intake.ts          (SMALL=3000 BIG=12 to change the mix)
 *   SPLIT=1 npx tsx bench/mail-intake.ts  (the queue held until every mail is accepted, then
 *                                          ingestion alone: its rate and its CPU per mail)
 *   PROFILE=/tmp/x.cpuprofile             (a CPU profile of the app's main thread over the window)
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EmailModule } from '../src/channels/email/email.module';
import { CommandRecorder } from '../src/infra/command-monitor';
import { deadline, loadAverage, runBench, spawnClient, startBenchApp, summary } from './lib/harness';

/** CPU seconds a child process used so far (user + system, from /proc). */
function processCpu(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Redis calls by command so far (INFO commandstats), to count the commands each mail costs. */
async function redisCommands(redis: { info(section: string): Promise<string> }): Promise<Map<string, number>> {
  const stats = await redis.info('commandstats');
  return new Map([...stats.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

const SMALL = Number(process.env.SMALL ?? 3000);
const BIG = Number(process.env.BIG ?? 12); // 1 to 4 MB each, plus one of 10 MB
const CONNECTIONS = 50;
const SPLIT = process.env.SPLIT === '1';

// The sender, plain JS in a child process: builds each mail and sends it through a 50-connection pool.
const SENDER = `
const nodemailer = require('nodemailer');
const { port, small, big, connections } = JSON.parse(process.env.BENCH);
const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: connections, maxMessages: Infinity });
const teams = ['support@demo.local', 'tech@demo.local', 'complaints@demo.local', 'returns@demo.local'];
function mail(i, bytes) {
  const to = teams[i % teams.length];
  const from = 'customer' + i + '@example.com';
  const m = { envelope: { from, to: [to] }, from: '客户' + i + ' <' + from + '>', to, subject: '洗衣机故障 ' + i + ' / washer fault', messageId: '<bench-' + i + '@example.com>',
    text: '您好，洗衣机显示E' + (i % 30) + '错误。\\nThe washer shows an error.\\n' + 'x'.repeat(1500) };
  if (bytes) m.attachments = [{ filename: '照片-' + i + '.jpg', content: Buffer.alloc(bytes, i % 251), contentType: 'image/jpeg' }];
  return m;
}
(async () => {
  const jobs = [];
  const lat = [];
  const acceptedAt = {};
  let failed = 0;
  const sizes = [];
  for (let i = 0; i < small; i++) sizes.push(0);
  for (let i = 0; i < big; i++) sizes.splice(Math.floor((i + 1) * small / (big + 2)), 0, (1 + (i % 4)) * 1024 * 1024);
  sizes.splice(Math.floor(small / 2), 0, 7.4 * 1024 * 1024); // base64 makes this a 10 MB mail
  const start = Date.now();
  for (let i = 0; i < sizes.length; i++) {
    const t0 = Date.now();
    jobs.push(t.sendMail(mail(i, sizes[i])).then(() => { const now = Date.now(); lat.push(now - t0); acceptedAt[i] = now; }, (e) => { failed++; if (failed < 5) console.error('send failed', e.message); }));
  }
  await Promise.all(jobs);
  t.close();
  lat.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ sent: sizes.length - failed, failed, ms: Date.now() - start, p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)], bytes: sizes.reduce((a, b) => a + b, 0), acceptedAt }));
})();
`;

async function main() {
  const app = await startBenchApp({ name: 'mail', logLevel: 'silent', mongoHeap: '1g', monitorCommands: true, env: { SMTP_MESSAGES_PER_IP_PER_HOUR: '100000', SMTP_MAX_CONNECTIONS_PER_IP: '1000' } });
  const { c } = app;
  // mails the workers finished, from the process's own counter (polling the store would cost it a scan each time)
  const finished = async () => (await c.metrics.mailIngested.get()).values.reduce((s, v) => s + v.value, 0);
  const rec = new CommandRecorder(c.conn);
  const cancelDeadline = deadline(150_000, 'bench did not finish within 150 s', 1);
  try {
    const baseline = await finished();
    const port = (c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort;
    const total = SMALL + BIG + 1;
    if (SPLIT) await c.queues.get('mail-in').pause();
    const profiler = process.env.PROFILE ? new inspector.Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      if (!SPLIT) await profiler.post('Profiler.start');
    }
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    let cpu0 = process.cpuUsage();
    let storeCpu0 = processCpu(app.stores.mongo.process.pid);
    let redisCpu0 = processCpu(app.stores.redis.process.pid);
    let t0 = Date.now();
    let redis0 = await redisCommands(c.redis);
    rec.start();
    const { child, result: sent } = spawnClient<Record<string, number>>(SENDER, { port, small: SMALL, big: BIG, connections: CONNECTIONS });
    console.log(`  load average at start: ${loadAverage()}`);
    let ingested = 0;
    let sender: Record<string, number> | null = null;
    sent.then((r) => (sender = r), () => undefined);
    if (SPLIT) {
      // every mail accepted first; then the clock and the CPU counters start for ingestion alone
      await sent.catch(() => undefined);
      h.reset();
      cpu0 = process.cpuUsage();
      storeCpu0 = processCpu(app.stores.mongo.process.pid);
      redisCpu0 = processCpu(app.stores.redis.process.pid);
      t0 = Date.now();
      redis0 = await redisCommands(c.redis);
      rec.reset();
      await profiler?.post('Profiler.start');
      await c.queues.get('mail-in').resume();
      console.log('  (SPLIT: all mails accepted with the queue held; the figures below are for ingestion alone)');
    }
    const inboundDir = path.join(app.stores.dataDir, 'mail', 'inbound');
    while (Date.now() - t0 < 110_000) {
      await new Promise((r) => setTimeout(r, 100));
      ingested = (await finished()) - baseline;
      if (ingested >= total || (sender && ingested >= (sender as Record<string, number>).sent)) break;
    }
    const ms = Date.now() - t0;
    h.disable();
    rec.stop();
    const redis1 = await redisCommands(c.redis);
    if (profiler) {
      fs.writeFileSync(process.env.PROFILE!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
      profiler.disconnect();
    }
    const redisBy = [...redis1].map(([k, v]) => [k, v - (redis0.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    const cpu = process.cpuUsage(cpu0);
    const appCpu = (cpu.user + cpu.system) / 1e6;
    const storeCpu = processCpu(app.stores.mongo.process.pid) - storeCpu0;
    const redisCpu = processCpu(app.stores.redis.process.pid) - redisCpu0;
    const accepted = fs.readdirSync(inboundDir).length;
    if (!sender) child.kill();
    const s = (sender ?? { sent: accepted, failed: 0, ms, p50: NaN, p99: NaN, bytes: NaN }) as Record<string, number>;
    const withAttachment = await c.models.Message.countDocuments({ 'attachments.0': { $exists: true } });
    if (!sender) console.log('  (stopped after 110 s: the figures below are for the part that was done)');
    console.log(`mail intake: ${total} mails (${SMALL} small ~2 KB, ${BIG} of 1-4 MB, one 10 MB; ${(s.bytes / 1048576).toFixed(0)} MB of attachments) over ${CONNECTIONS} SMTP connections`);
    console.log(`  accepted (SMTP 250, stored + queued): ${sender ? s.sent : accepted} in ${(s.ms / 1000).toFixed(1)} s = ${(s.sent / (s.ms / 1000)).toFixed(0)} mails/s; per-mail latency p50 ${s.p50} ms, p99 ${s.p99} ms; failed ${s.failed}`);
    console.log(`  ingested (tickets stored): ${ingested} in ${(ms / 1000).toFixed(1)} s = ${(ingested / (ms / 1000)).toFixed(0)} mails/s; ${withAttachment} with attachments`);
    // mail-to-ticket: from the intake's 250 to the ticket stored (its createdAt), per bench mail
    const acceptedAt = (s as unknown as { acceptedAt?: Record<string, number> }).acceptedAt ?? {};
    const tickets = await c.models.Ticket.find({ dedupeKey: /^mail:/ }, { dedupeKey: 1, createdAt: 1 }).lean();
    const toTicket: number[] = [];
    for (const t of tickets) {
      const i = /<bench-(\d+)@/.exec(String(t.dedupeKey))?.[1];
      // with SPLIT the mails waited for the queue's release, which is where their time starts
      if (i !== undefined && acceptedAt[i]) toTicket.push(new Date(t.createdAt as Date).getTime() - Math.max(acceptedAt[i], SPLIT ? t0 : 0));
    }
    const lat = summary(toTicket);
    const pool = (c.modules.find((m) => m.name === 'email') as EmailModule).parseStats();
    console.log(`  mail-to-ticket (SMTP 250 -> ticket stored): p50 ${lat.p50} ms, p99 ${lat.p99} ms, max ${lat.max} ms over ${lat.n}`);
    console.log(`  event loop of the app process: max stall ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms, mean ${(h.mean / 1e6).toFixed(1)} ms`);
    console.log(`  parse pool: ${pool.threads} threads, ${pool.completed} mails parsed, ${pool.runMs.mean.toFixed(1)} ms each in a thread (p50 ${pool.runMs.p50.toFixed(1)}, p99 ${pool.runMs.p99.toFixed(1)}), waiting for a thread ${pool.waitMs.mean.toFixed(1)} ms (p99 ${pool.waitMs.p99.toFixed(1)})`);
    const per = (sec: number) => ((sec * 1000) / Math.max(1, ingested)).toFixed(1);
    console.log(`  round trips to MongoDB per ingested mail: ${(rec.commands.length / Math.max(1, ingested)).toFixed(1)} (${rec.scans().length} scans in the window, the sweepers'${process.env.BENCH_DETAIL ? `; ${rec.describe()}` : ''})`);
    const perMail = (n: number) => (n / Math.max(1, ingested)).toFixed(1);
    console.log(`  Redis commands per ingested mail: ${perMail(redisBy.reduce((t, [, v]) => t + v, 0))} (${redisBy.slice(0, 10).map(([k, v]) => `${k} ${perMail(v)}`).join(', ')})`);
    console.log(`  CPU per ingested mail: app process (event loop + parse threads) ${per(appCpu)} ms, mongo-java-server ${per(storeCpu)} ms, redis ${per(redisCpu)} ms (${appCpu.toFixed(1)} / ${storeCpu.toFixed(1)} / ${redisCpu.toFixed(1)} s over ${(ms / 1000).toFixed(1)} s on 2 cores)`);
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
