/**
 * API ticket creation (issue #23: ≥ 150 tickets/s at concurrency 10): an agent registers tickets
 * with POST /api/tickets, CONCURRENCY requests in flight, each a new customer (the costliest path:
 * customer, contact, number, ticket, message, audit, SLA, live queue). Three runs of TICKETS each;
 * per run the rate, the latency (p50 / p99), the app's CPU per ticket, mongo-java-server's CPU per
 * ticket and the round trips to MongoDB per ticket (the driver's command events); the spread over
 * the runs and the load average with each. The client runs in a child process.
 *   npx tsx bench/api-create.ts      (TICKETS=1000 CONCURRENCY=10 RUNS=3 to change)
 *   API_NODES=2 npx tsx bench/api-create.ts   (the README's several API nodes: more `npm run api`
 *     processes on the same stores, the client's connections spread over them; the CPU is that of
 *     every app process, the round trips those of the first, which also runs the workers)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CommandRecorder } from '../src/infra/command-monitor';
import { deadline, loadAverage, login, runBench, spawnClient, startBenchApp } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const RUNS = Number(process.env.RUNS ?? 3);
const TARGET = 150;
const API_NODES = Number(process.env.API_NODES ?? 1);

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** One more API process (`npm run api`) on the bench's stores and queue prefix; answers once /health does. */
async function startApiNode(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'src/main/api.ts')], {
    env: { ...process.env, ...env, PORT: String(port), SMTP_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', SEED_DEMO: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`API node exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('API node did not answer /health within 60 s');
}

function processCpu(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// The client: CONCURRENCY loops, each posting tickets until TICKETS are done; latencies per request.
const CLIENT = `
const { urls, token, tickets, concurrency, offset } = JSON.parse(process.env.BENCH);
const lat = []; let next = 0; let failed = 0;
const post = async (i, url) => {
  const t0 = Date.now();
  const res = await fetch(url + '/api/tickets', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ channel: 'voice', subject: 'Washer fault ' + i, body: 'The washer shows E' + (i % 30) + ' after the spin cycle.', customer: { name: 'Caller ' + i, phone: '+86 138' + String(10000000 + i) }, team: 'support' }) });
  await res.arrayBuffer();
  if (res.status !== 201) { failed++; if (failed < 4) console.error('status', res.status); } else lat.push(Date.now() - t0);
};
(async () => {
  const start = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, k) => { for (;;) { const i = next++; if (i >= tickets) return; await post(offset + i, urls[k % urls.length]); } }));
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
  const c = app.c.config;
  const nodes = await Promise.all(
    Array.from({ length: API_NODES - 1 }, () =>
      startApiNode({ NODE_ENV: 'production', MONGODB_URI: c.mongodbUri, REDIS_URL: c.redisUrl, DATA_DIR: c.dataDir, QUEUE_PREFIX: c.queuePrefix }),
    ),
  );
  const urls = [app.server.url, ...nodes.map((n) => n.url)];
  const nodesCpu = () => nodes.reduce((sum, n) => sum + processCpu(n.child.pid), 0);
  const rates: number[] = [];
  try {
    console.log(`API ticket creation: ${TICKETS} tickets per run (each a new customer) at concurrency ${CONCURRENCY}, ${RUNS} runs, ${API_NODES} API process${API_NODES > 1 ? 'es' : ''}; target ≥ ${TARGET}/s`);
    for (let run = 1; run <= RUNS; run++) {
      const load = loadAverage();
      rec.reset();
      rec.start();
      const cpu0 = process.cpuUsage();
      const store0 = processCpu(mongoPid);
      const nodes0 = nodesCpu();
      const r = await spawnClient<{ ms: number; ok: number; failed: number; p50: number; p99: number }>(CLIENT, { urls, token, tickets: TICKETS, concurrency: CONCURRENCY, offset: (run - 1) * TICKETS }).result;
      await app.c.events.flush();
      rec.stop();
      const cpu = process.cpuUsage(cpu0);
      const otherNodes = nodesCpu() - nodes0;
      const rate = r.ok / (r.ms / 1000);
      rates.push(rate);
      const per = (x: number) => (x / Math.max(1, r.ok)).toFixed(1);
      if (process.env.BENCH_DETAIL) {
        console.log(`    commands: ${rec.describe()}`);
        const why = new Map<string, number>();
        for (const c of rec.scans()) why.set(c.why!.slice(0, 160), (why.get(c.why!.slice(0, 160)) ?? 0) + 1);
        for (const [w, n] of why) console.log(`    scan ×${n}: ${w}`);
      }
      console.log(`  run ${run} (load ${load}): ${r.ok} created in ${(r.ms / 1000).toFixed(1)} s = ${rate.toFixed(0)} tickets/s (${(rate / TARGET).toFixed(2)}× the target); latency p50 ${r.p50} ms, p99 ${r.p99} ms; failed ${r.failed}; per ticket ${per((cpu.user + cpu.system) / 1000 + otherNodes * 1000)} ms app CPU${API_NODES > 1 ? ` (all ${API_NODES} processes)` : ''}, ${per((processCpu(mongoPid) - store0) * 1000)} ms mongo-java-server CPU, ${API_NODES > 1 ? `${(rec.commands.length / Math.max(1, r.ok / API_NODES)).toFixed(1)} round trips (of the first process's share)` : `${per(rec.commands.length)} round trips`} (${rec.scans().length} scans)`);
    }
    rates.sort((a, b) => a - b);
    console.log(`  spread: ${rates[0].toFixed(0)}–${rates[rates.length - 1].toFixed(0)} tickets/s, median ${rates[Math.floor(rates.length / 2)].toFixed(0)}`);
  } finally {
    cancel();
    for (const n of nodes) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => (n.child.exitCode === null ? new Promise((r) => n.child.once('exit', r)) : null)));
    await app.close();
  }
}

runBench(main);
