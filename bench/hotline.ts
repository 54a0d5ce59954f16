/**
 * The hotline under a burst of missed calls: CALLS callers (default 300, CONCURRENCY 20 at a time)
 * each go through signed Twilio webhooks `incoming` (TwiML IVR) then `status` CallStatus=no-answer.
 * Prints the webhook latencies (p50 / p99 / max), the calls stored, the callback tasks created, and
 * the delay from the no-answer webhook to the `callback:due` socket event at an agent of the team.
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/hotline.ts            (CALLS=300 CONCURRENCY=20 to change)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import twilio from 'twilio';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/container';
import { createLogger } from '../src/logger';
import { seedDemo } from '../src/seed/demo';
import { startServer } from '../src/server';
import { runWorkers } from '../src/workers';
import { startMongo, startRedis } from '../scripts/lib/embedded-stores';

const CALLS = Number(process.env.CALLS ?? 300);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const PUBLIC_URL = 'https://hotline.bench.local';
const TOKEN = 'bench-twilio-token';

const pct = (a: number[], p: number) => (a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN);

async function main(): Promise<void> {
  const killer = setTimeout(() => {
    console.error('bench did not finish within 2 minutes');
    process.exit(2);
  }, 120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-hotline-'));
  const [redis, mongo] = await Promise.all([startRedis(), startMongo()]);
  const config = loadConfig({ NODE_ENV: 'production', MONGODB_URI: `${mongo.url}/bench_hotline`, REDIS_URL: redis.url, DATA_DIR: dataDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'warn', QUEUE_PREFIX: 'benchhotline', PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKEN });
  const c = await createContainer(config, { log: createLogger('warn') });
  await seedDemo(c);
  const server = await startServer(c, { port: 0, host: '127.0.0.1' });
  const workers = await runWorkers(c);
  try {
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent1@demo.local', password: 'demo-password' }) });
    const { token } = (await login.json()) as { token: string };
    const agent = io(`${server.url}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => (agent.once('connect', () => resolve()), agent.once('connect_error', reject)));
    const missedAt = new Map<string, number>();
    const dueLat: number[] = [];
    agent.on('callback:due', (p: { phone: string }) => {
      const t = missedAt.get(p.phone);
      if (t !== undefined) dueLat.push(Date.now() - t), missedAt.delete(p.phone);
    });

    const post = async (p: string, params: Record<string, string>) => {
      const t0 = Date.now();
      const res = await fetch(server.url + p, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, PUBLIC_URL + p, params) },
        body: new URLSearchParams(params).toString(),
      });
      await res.text();
      if (res.status >= 300) throw new Error(`${p}: ${res.status}`);
      return Date.now() - t0;
    };
    const incoming: number[] = [];
    const status: number[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < CALLS; i = next++) {
          const From = `+861390000${String(i).padStart(4, '0')}`;
          const params = { CallSid: `CAbench${i}`, From, To: '+18005550199' };
          incoming.push(await post('/webhooks/voice/twilio/incoming', { ...params, CallStatus: 'ringing' }));
          missedAt.set(From, Date.now());
          status.push(await post('/webhooks/voice/twilio/status', { ...params, CallStatus: 'no-answer', CallDuration: '0' }));
        }
      }),
    );
    const webhookMs = Date.now() - t0;
    const until = Date.now() + 30_000;
    while (missedAt.size && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    agent.disconnect();
    const calls = await c.conn.collection('calls').countDocuments({ status: 'missed' });
    const tasks = await c.conn.collection('callbacks').countDocuments({ kind: 'missed_call' });
    console.log(`hotline: ${CALLS} missed calls, ${CONCURRENCY} at a time, webhooks done in ${webhookMs} ms (${Math.round((CALLS * 2 * 1000) / webhookMs)} webhooks/s)`);
    console.log(`  stored: ${calls} missed calls, ${tasks} missed-call callback tasks; callback:due received for ${dueLat.length}`);
    console.log(`  incoming (TwiML IVR)   p50 ${pct(incoming, 0.5)} ms  p99 ${pct(incoming, 0.99)} ms  max ${Math.max(...incoming)} ms`);
    console.log(`  status no-answer       p50 ${pct(status, 0.5)} ms  p99 ${pct(status, 0.99)} ms  max ${Math.max(...status)} ms`);
    console.log(`  no-answer → callback:due  p50 ${pct(dueLat, 0.5)} ms  p99 ${pct(dueLat, 0.99)} ms  max ${Math.max(...dueLat)} ms`);
  } finally {
    await workers.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    await c.close().catch(() => undefined);
    await Promise.all([redis.stop(), mongo.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    clearTimeout(killer);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
