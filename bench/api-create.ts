/**
 * API ticket creation (issue #23: ≥ 150 tickets/s at concurrency 10): an agent registers tickets
 * with POST /api/tickets, CONCURRENCY requests in flight, each a new customer (the costliest path:
 * customer, contact, number, ticket, message, audit, SLA, live queue). Three runs of TICKETS each;
 * per run the rate, the latency (p50 / p99), the app's CPU per ticket, mongo-java-server's CPU per
 * ticket and the round trips to MongoDB per ticket (the driver's command events); the spread over
 * the runs and the load average with each. The client runs in a child process.
 *   npx tsx bench/api-create.ts      (TICKETS=1000 CONCURRENCY=10 RUNS=3 to change)
 */
import fs from 'node:fs';
import { CommandRecorder } from '../src/infra/command-monitor';
import { deadline, loadAverage, login, runBench, spawnClient, startBenchApp } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);
const TARGET = 150;

function processCpu(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// The client: CONCURRENCY loops, each posting tickets until TICKETS are done; latencies per request.
const CLIENT = `
const { url, token, tickets, concurrency, offset } = JSON.parse(process.env.BENCH);
const lat = []; let next = 0; let failed = 0;
const post = async (i) => {
  const t0 = Date.now();
  const res = await fetch(url + '/api/tickets', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ channel: 'voice', subject: 'Washer fault ' + i, body: 'The washer shows E' + (i % 30) + ' after the spin cycle.', customer: { name: 'Caller ' + i, phone: '+86 138' + String(10000000 + i) }, team: 'support' }) });
  await res.arrayBuffer();
  if (res.status !== 201) { failed++; if (failed < 4) console.error('status', res.status); } else lat.push(Date.now() - t0);
};
(async () => {
  const start = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { for (;;) { const i = next++; if (i >= tickets) return; await post(offset + i); } }));
  const ms = Date.now() - start;
  lat.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ ms, ok: lat.length, failed, p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)] }));
})();
`;

async function main() {
  const cancel = deadline(10 * 60_000, 'bench did not finish within 10 minutes', 1);
  const app = await startBenchApp({ name: 'apicreate', logLevel: 'silent', monitorCommands: true });
  const rec = new CommandRecorder(app.c.conn);
  const token = await login(app.server.url, 'agent1@demo.local');
  const mongoPid = app.stores.mongo.process.pid;
  const rates: number[] = [];
  try {
    console.log(`API ticket creation: ${TICKETS} tickets per run (each a new customer) at concurrency ${CONCURRENCY}, ${RUNS} runs; target ≥ ${TARGET}/s`);
    for (let run = 1; run <= RUNS; run++) {
      const load = loadAverage();
      rec.reset();
      rec.start();
      const cpu0 = process.cpuUsage();
      const store0 = processCpu(mongoPid);
      const r = await spawnClient<{ ms: number; ok: number; failed: number; p50: number; p99: number }>(CLIENT, { url: app.server.url, token, tickets: TICKETS, concurrency: CONCURRENCY, offset: (run - 1) * TICKETS }).result;
      await app.c.events.flush();
      rec.stop();
      const cpu = process.cpuUsage(cpu0);
      const rate = r.ok / (r.ms / 1000);
      rates.push(rate);
      const per = (x: number) => (x / Math.max(1, r.ok)).toFixed(1);
      if (process.env.BENCH_DETAIL) {
        console.log(`    commands: ${rec.describe()}`);
        const why = new Map<string, number>();
        for (const c of rec.scans()) why.set(c.why!.slice(0, 160), (why.get(c.why!.slice(0, 160)) ?? 0) + 1);
        for (const [w, n] of why) console.log(`    scan ×${n}: ${w}`);
      }
      console.log(`  run ${run} (load ${load}): ${r.ok} created in ${(r.ms / 1000).toFixed(1)} s = ${rate.toFixed(0)} tickets/s (${(rate / TARGET).toFixed(2)}× the target); latency p50 ${r.p50} ms, p99 ${r.p99} ms; failed ${r.failed}; per ticket ${per((cpu.user + cpu.system) / 1000)} ms app CPU, ${per((processCpu(mongoPid) - store0) * 1000)} ms mongo-java-server CPU, ${per(rec.commands.length)} round trips (${rec.scans().length} scans)`);
    }
    rates.sort((a, b) => a - b);
    console.log(`  spread: ${rates[0].toFixed(0)}–${rates[rates.length - 1].toFixed(0)} tickets/s, median ${rates[Math.floor(rates.length / 2)].toFixed(0)}`);
  } finally {
    cancel();
    await app.close();
  }
}

runBench(main);
