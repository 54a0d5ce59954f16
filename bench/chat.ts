/**
 * Live chat under load: 2 000 visitor sockets on /chat, 1 000 messages per second for ~10 s, one
 * agent socket on /agents receiving `message:new`. Prints the messages stored and the latency from
 * the visitor's send to the agent's receipt (p50 / p99 / max; target p99 ≤ 50 ms) and the ack latency.
 * Each visitor first opens its chat (warm-up, not measured): the run measures the steady state of an
 * open chat, not 2 000 ticket creations. The clients run in a child process, so their work does not
 * count against the app. Own stores (mongo-java-server, Redis) on 127.0.0.1.
 *   npx tsx bench/chat.ts            (VISITORS=2000 RATE=1000 SECONDS=10 to change)
 */
import { deadline, loadAverage, login, runBench, spawnClient, startBenchApp } from './lib/harness';

const VISITORS = Number(process.env.VISITORS ?? 2000);
const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);

// The clients, plain JS in a child process: visitors, then the agent, then the timed sends.
const CLIENTS = `
const { io } = require('socket.io-client');
const { url, token, visitors, rate, seconds } = JSON.parse(process.env.BENCH);
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
  const sentAt = new Map();
  const lat = [];
  const ackLat = [];
  let errors = 0;
  agent.on('message:new', (p) => {
    const m = /^bench (\\d+)$/.exec(p.message && p.message.body);
    if (!m || !sentAt.has(m[1])) return;
    lat.push(Date.now() - sentAt.get(m[1]));
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
  const until = Date.now() + 20000;
  while ((lat.length + errors) < total && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  lat.sort((a, b) => a - b);
  ackLat.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ sent: total, sendMs, delivered: lat.length, errors, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: lat[lat.length - 1] ?? null, ackP50: pct(ackLat, 0.5), ackP99: pct(ackLat, 0.99) }));
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
}

async function main() {
  const cancelDeadline = deadline(180_000, 'bench did not finish within 3 minutes');
  const app = await startBenchApp({ name: 'chat', env: { TRUST_PROXY: 'loopback' } });
  const { c, server } = app;
  const token = await login(server.url, 'agent1@demo.local');
  try {
    const r = await spawnClient<ClientFigures>(CLIENTS, { url: server.url, token, visitors: VISITORS, rate: RATE, seconds: SECONDS }).result;
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
    console.log(`chat: ${VISITORS} visitors, ${r.sent} messages at ${RATE}/s (sent in ${r.sendMs} ms)`);
    console.log(`  stored ${stored}, delivered to the agent ${r.delivered}, error acks ${r.errors}`);
    console.log(`  send → agent message:new  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  (target p99 ≤ 50 ms)`);
    console.log(`  send → ack                p50 ${r.ackP50} ms  p99 ${r.ackP99} ms`);
  } finally {
    process.on('unhandledRejection', () => undefined); // emits of requests still in flight while the stores close
    await app.close();
    cancelDeadline();
  }
}

runBench(main);
