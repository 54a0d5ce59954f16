/**
 * Live chat under load: 2 000 visitor sockets on /chat, 1 000 messages per second for ~10 s, one
 * agent socket on /agents receiving `message:new`. Prints the messages stored and the latency from
 * the visitor's send to the agent's receipt (p50 / p99 / max; target p99 ≤ 50 ms) and the ack latency.
 * Each visitor first opens its chat (warm-up, not measured): the run measures the steady state of an
 * open chat, not 2 000 ticket creations. The clients run in a child process, so their work does not
 * count against the app. Own stores (mongo-java-server, Redis) on 127.0.0.1.
 * Over the timed window (the client tells when it starts and when every message is in) it also
 * prints the cost per message: CPU µs of the app process (API and workers), of mongo-java-server
 * and of Redis, and MongoDB round trips (the driver's command events, src/infra/command-monitor.ts).
 * It also counts the WebSocket frames the clients receive (acks and events) per message, and the app
 * process's RSS at the end of the window and at its peak.
 * The app runs with the V8 young generation `npm start` gives its processes (scripts/lib/process-flags.ts,
 * `--max-semi-space-size=4`) unless NODE_OPTIONS names another: the bench re-runs itself with that
 * flag, and prints the one it measured (SEMI_SPACE=16 measures 16 MB, SEMI_SPACE=default V8's own).
 *   npx tsx bench/chat.ts            (VISITORS=2000 RATE=1000 SECONDS=10 to change, DEADLINE_S=180,
 *                                     DRAIN_S=20: the wait for the last deliveries before the window ends;
 *                                     PROFILE=file.cpuprofile writes the app's CPU profile of the window,
 *                                     HEAP_PROFILE=file.heapprofile its sampled allocations;
 *                                     STAGES=1 prints where each message's time went, bench/lib/chat-stages.ts)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import { NODE_FLAGS } from '../scripts/lib/process-flags';
import { CommandRecorder } from '../src/infra/command-monitor';
import { ChatStages } from './lib/chat-stages';
import { deadline, loadAverage, login, processCpuSeconds, runBench, spawnClient, startBenchApp } from './lib/harness';

const VISITORS = Number(process.env.VISITORS ?? 2000);
const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);
/** how long the window waits after the last send for every message to reach the agent (a loaded machine needs more) */
const DRAIN_S = Number(process.env.DRAIN_S ?? 20);

const SEMI_SPACE_FLAG = /--max-semi-space-size[= ](\d+)/;
/** What `npm start` gives the API process (scripts/lib/process-flags.ts; the bench runs API and workers in one). */
const NPM_START_SEMI_SPACE = SEMI_SPACE_FLAG.exec(NODE_FLAGS.api.join(' '))?.[1] ?? 'default';

/** The young generation this process runs with, as `--max-semi-space-size` says (MB), or null for V8's default. */
function semiSpace(): string | null {
  return SEMI_SPACE_FLAG.exec([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))?.[1] ?? null;
}

/** Re-runs the bench under the flag npm start gives (or SEMI_SPACE's) when none is set, and ends with it. */
function reRunUnderFlag(): void {
  const want = process.env.SEMI_SPACE ?? NPM_START_SEMI_SPACE;
  if (semiSpace() !== null || want === 'default' || process.env.CHAT_BENCH_CHILD) return;
  const env = { ...process.env, CHAT_BENCH_CHILD: '1', NODE_OPTIONS: `--max-semi-space-size=${want} ${process.env.NODE_OPTIONS ?? ''}`.trim() };
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// The clients, plain JS in a child process: visitors, then the agent, then the timed sends.
const CLIENTS = `
const { io } = require('socket.io-client');
const { url, token, visitors, rate, seconds, stages, drainS } = JSON.parse(process.env.BENCH);
// each visitor from an address of its own (X-Forwarded-For, the app trusting the loopback proxy), as on
// the web: the per-address limits on new chats (chat.limits.ts) then see 2 000 visitors, not one bench
let peers = 0;
const connect = (nsp, auth) => new Promise((resolve, reject) => {
  const from = '198.18.' + ((++peers >> 8) & 255) + '.' + (peers & 255);
  const s = io(url + nsp, { auth, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'X-Forwarded-For': from } });
  s.once('connect', () => resolve(s));
  s.once('connect_error', reject);
});
const pct = (a, p) => a.length ? a[Math.min(a.length - 1, Math.floor(a.length * p))] : null;
(async () => {
  const socks = [];
  for (let i = 0; i < visitors; i += 100) {
    socks.push(...await Promise.all(Array.from({ length: Math.min(100, visitors - i) }, (_, j) => connect('/chat', { name: 'Bench ' + (i + j) }))));
  }
  process.stderr.write('visitors connected\\n');
  // warm-up: each visitor opens its chat, 50 at a time
  for (let i = 0; i < socks.length; i += 50) {
    await Promise.all(socks.slice(i, i + 50).map((s, j) => s.timeout(30000).emitWithAck('message:send', { body: 'hello ' + (i + j), clientId: 'w' + (i + j) })));
  }
  process.stderr.write('chats open\\n');
  const agent = await connect('/agents', { token });
  // every WebSocket frame a client receives in the timed window (the acks and events the server writes)
  let frames = 0;
  let counting = false;
  for (const s of [...socks, agent]) s.io.engine.on('packet', (p) => { if (counting && p.type === 'message') frames++; });
  // the parent measures cost between these two messages
  const phase = (name, handled) => new Promise((resolve) => { process.send({ phase: name, handled }); process.once('message', resolve); });
  await phase('start');
  counting = true;
  const sentAt = new Map();
  const lat = [];
  const ackLat = [];
  const seen = []; // STAGES: [n, sent at, received at] of each message the agent got
  let errors = 0;
  agent.on('message:new', (p) => {
    const m = /^bench (\\d+)$/.exec(p.message && p.message.body);
    if (!m || !sentAt.has(m[1])) return;
    const now = Date.now();
    lat.push(now - sentAt.get(m[1]));
    if (stages) seen.push([Number(m[1]), sentAt.get(m[1]), now]);
    sentAt.delete(m[1]);
  });
  const total = rate * seconds;
  const start = Date.now();
  let n = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
      for (; n < due; n++) {
        const id = String(n);
        const t0 = Date.now();
        sentAt.set(id, t0);
        socks[n % socks.length].timeout(30000).emitWithAck('message:send', { body: 'bench ' + id, clientId: 'b' + id })
          .then((r) => { if (r && r.error) errors++; else ackLat.push(Date.now() - t0); }, () => errors++);
      }
      if (n >= total) { clearInterval(tick); resolve(); }
    }, 5);
  });
  const sendMs = Date.now() - start;
  const until = Date.now() + drainS * 1000;
  while ((lat.length + errors) < total && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  counting = false;
  await phase('end', lat.length + errors);
  lat.sort((a, b) => a - b);
  ackLat.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ sent: total, sendMs, delivered: lat.length, errors, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat[lat.length - 1] ?? null, ackP50: pct(ackLat, 0.5), ackP99: pct(ackLat, 0.99), frames, stages: stages ? seen : undefined }));
  for (const s of socks) s.disconnect();
  agent.disconnect();
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface ClientFigures {
  sent: number;
  sendMs: number;
  delivered: number;
  errors: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  ackP50: number | null;
  ackP99: number | null;
  frames: number;
  stages?: [number, number, number][];
}

async function main() {
  reRunUnderFlag();
  // on a machine shared by several engineers' suites the warm-up alone can take minutes: DEADLINE_S
  const limitS = Number(process.env.DEADLINE_S ?? 180);
  const cancelDeadline = deadline(limitS * 1000, `bench did not finish within ${limitS} s`);
  const stages = process.env.STAGES ? new ChatStages().install() : null;
  const app = await startBenchApp({ name: 'chat', env: { TRUST_PROXY: 'loopback' }, monitorCommands: true });
  const { c, server } = app;
  const token = await login(server.url, 'agent1@demo.local');
  const rec = new CommandRecorder(c.conn);
  const pids = { store: app.stores.mongo.process.pid, redis: app.stores.redis.process.pid };
  const window: { cost?: { appUs: number; storeUs: number; redisUs: number; roundTrips: number; commands: string; redisCalls: number; redisTop: string; rssMb: number }; handled?: number } = {};
  // Redis commands by name so far (INFO commandstats: calls, including the pub/sub of the socket adapter)
  const redisCalls = async (): Promise<Map<string, number>> => {
    const info = (await c.redis.info('commandstats')) as string;
    return new Map([...info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  };
  let redis0 = new Map<string, number>();
  try {
    const client = spawnClient<ClientFigures>(CLIENTS, { url: server.url, token, visitors: VISITORS, rate: RATE, seconds: SECONDS, stages: !!stages, drainS: DRAIN_S }, { ipc: true });
    let t0 = { app: process.cpuUsage(), store: 0, redis: 0 };
    const profiler = process.env.PROFILE ? new inspector.Session() : null;
    // HEAP_PROFILE=file.heapprofile: where the window's allocations are made (sampled; what the GC then collects)
    const heap = process.env.HEAP_PROFILE ? new inspector.Session() : null;
    client.child.on('message', (m: { phase?: string; handled?: number }) => {
      void (async () => {
        if (m.phase === 'start') {
          if (profiler) {
            profiler.connect();
            await profiler.post('Profiler.enable');
            await profiler.post('Profiler.start');
          }
          if (heap) {
            heap.connect();
            await heap.post('HeapProfiler.startSampling', { samplingInterval: 16384 });
          }
          rec.reset();
          rec.start();
          stages?.start();
          redis0 = await redisCalls();
          t0 = { app: process.cpuUsage(), store: processCpuSeconds(pids.store), redis: processCpuSeconds(pids.redis) };
        } else if (m.phase === 'end') {
          await c.events.flush(); // effects still queued count against the window
          const app1 = process.cpuUsage(t0.app);
          stages?.stop();
          // per message handled in the window (delivered or refused): a backlog at its end is not counted as done
          const n = m.handled || RATE * SECONDS;
          window.handled = n;
          rec.stop();
          const redis1 = await redisCalls();
          const calls = [...redis1].map(([k, v]) => [k, v - (redis0.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
          window.cost = {
            redisCalls: calls.reduce((a, [, v]) => a + v, 0) / n,
            redisTop: calls.slice(0, 12).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(', '),
            appUs: (app1.user + app1.system) / n,
            storeUs: ((processCpuSeconds(pids.store) - t0.store) * 1e6) / n,
            redisUs: ((processCpuSeconds(pids.redis) - t0.redis) * 1e6) / n,
            rssMb: process.memoryUsage.rss() / 2 ** 20,
            roundTrips: rec.commands.length / n,
            commands: rec.describe(),
          };
          if (profiler) {
            const { profile } = await profiler.post('Profiler.stop');
            fs.writeFileSync(process.env.PROFILE!, JSON.stringify(profile));
            profiler.disconnect();
          }
          if (heap) {
            const { profile } = await heap.post('HeapProfiler.stopSampling');
            fs.writeFileSync(process.env.HEAP_PROFILE!, JSON.stringify(profile));
            heap.disconnect();
          }
        }
        client.child.send({ ok: true });
      })();
    });
    const r = await client.result;
    // let a backlog drain before counting and closing
    let stored = -1;
    for (let i = 0; i < 60; i++) {
      const now = await c.models.Message.countDocuments({ 'author.type': 'customer', body: /^bench / });
      if (now === stored || now >= r.sent) {
        stored = now;
        break;
      }
      stored = now;
      await new Promise((res) => setTimeout(res, 1000));
    }
    console.log(`  load average: ${loadAverage()}`);
    const flag = semiSpace();
    console.log(`  app process: V8 young generation ${flag ? `--max-semi-space-size=${flag}` : "V8's default (no --max-semi-space-size)"}; npm start gives ${NPM_START_SEMI_SPACE}`);
    console.log(`chat: ${VISITORS} visitors, ${r.sent} messages at ${RATE}/s (sent in ${r.sendMs} ms)`);
    console.log(`  stored ${stored}, delivered to the agent ${r.delivered}, error acks ${r.errors}`);
    console.log(`  send → agent message:new  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  (target p99 ≤ 50 ms)`);
    console.log(`  send → ack                p50 ${r.ackP50} ms  p99 ${r.ackP99} ms`);
    const k = window.cost;
    if (k) {
      if (window.handled !== r.sent) console.log(`  (costs per message handled in the window: ${window.handled} of ${r.sent})`);
      console.log(`  per message: app CPU ${k.appUs.toFixed(0)} µs, mongo-java-server CPU ${k.storeUs.toFixed(0)} µs, Redis CPU ${k.redisUs.toFixed(0)} µs, ${k.roundTrips.toFixed(3)} MongoDB round trips`);
      console.log(`  MongoDB commands in the window: ${k.commands}`);
      console.log(`  Redis commands per message: ${k.redisCalls.toFixed(1)} (${k.redisTop})`);
      if (stages && r.stages) console.log(['  where the time went, per message (STAGES=1; ms):', ...stages.report(r.stages)].join('\n'));
      console.log(`  WebSocket frames to the clients per message: ${(r.frames / (window.handled ?? r.sent)).toFixed(2)}; app RSS ${k.rssMb.toFixed(0)} MB at the end of the window, peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
    }
  } finally {
    process.on('unhandledRejection', () => undefined); // emits of requests still in flight while the stores close
    await app.close();
    cancelDeadline();
  }
}

runBench(main);
