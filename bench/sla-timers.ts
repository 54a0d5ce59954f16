/**
 * SLA timers at scale: schedules PENDING (default 100 000) far-future timers through the same
 * SlaTimers the service uses (BullMQ delayed jobs with deterministic ids), then creates SAMPLE
 * (default 200) real tickets under a PT20S first-response policy and measures, for each, the time
 * from its due time to the supervisor's socket receiving the `escalation` breach event.
 * Prints the scheduling rate (timers/s) and the lateness (median, p99, max; target p99 ≤ 200 ms).
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/sla-timers.ts            (PENDING=100000 SAMPLE=200 TARGET=PT20S to change)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { io } from 'socket.io-client';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/container';
import { createLogger } from '../src/logger';
import type { SlaService } from '../src/modules/sla/sla.service';
import { SlaTimers } from '../src/modules/sla/sla-timers';
import { seedDemo } from '../src/seed/demo';
import { startServer } from '../src/server';
import { runWorkers } from '../src/workers';
import { startMongo, startRedis } from '../scripts/lib/embedded-stores';

const PENDING = Number(process.env.PENDING ?? 100_000);
const SAMPLE = Number(process.env.SAMPLE ?? 200);
const TARGET = process.env.TARGET ?? 'PT20S';
const BATCH = 1000;

const pct = (a: number[], p: number) => (a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN);

async function main(): Promise<void> {
  const killer = setTimeout(() => {
    console.error('bench did not finish within 2 minutes');
    process.exit(2);
  }, 120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-sla-'));
  const [redis, mongo] = await Promise.all([startRedis(), startMongo({ maxHeap: '1g' })]);
  const config = loadConfig({ NODE_ENV: 'production', MONGODB_URI: `${mongo.url}/bench_sla`, REDIS_URL: redis.url, DATA_DIR: dataDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'warn', QUEUE_PREFIX: 'benchsla' });
  const c = await createContainer(config, { log: createLogger('warn') });
  await seedDemo(c);
  const server = await startServer(c, { port: 0, host: '127.0.0.1' });
  const workers = await runWorkers(c);
  try {
    const sla = (c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
    await sla.policies.create({ name: 'bench', order: 0, match: { channel: 'web', priority: 'urgent' }, targets: { firstResponse: TARGET } });

    // 1. the pending load: far-future timers of (unknown) tickets, scheduled the way the service does
    const timers = new SlaTimers(c.queues, c.clock);
    const far = Date.now() + 30 * 24 * 3600_000;
    const t0 = performance.now();
    for (let i = 0; i < PENDING; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, PENDING - i) }, (_, j) => {
          const id = new Types.ObjectId().toHexString();
          return timers.put(id, `sla-first-response-breach-${id}`, far + (i + j) * 1000, false);
        }),
      );
    }
    const schedSec = (performance.now() - t0) / 1000;
    const delayed = await c.queues.get('sla').getDelayedCount();
    console.log(`scheduled ${PENDING} timers in ${schedSec.toFixed(1)} s: ${Math.round(PENDING / schedSec)} timers/s (delayed jobs in Redis: ${delayed})`);

    // 2. the sample: real tickets whose first response falls due while the 100 000 wait
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'supervisor@demo.local', password: 'demo-password' }) });
    const { token } = (await login.json()) as { token: string };
    const sup = io(`${server.url}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => (sup.once('connect', () => resolve()), sup.once('connect_error', reject)));
    const late: number[] = [];
    const waiting = new Set<number>();
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (allDone = r));
    sup.on('escalation', (e: { ticketNumber: number; kind: string; dueAt: string }) => {
      if (e.kind !== 'breach' || !waiting.delete(e.ticketNumber)) return;
      late.push(Date.now() - Date.parse(e.dueAt));
      if (!waiting.size) allDone();
    });
    const t1 = performance.now();
    for (let i = 0; i < SAMPLE; i += 10) {
      const made = await Promise.all(
        Array.from({ length: Math.min(10, SAMPLE - i) }, (_, j) =>
          c.tickets.create({ channel: 'web', subject: `Bench ${i + j}`, team: 'support', priority: 'urgent', customer: { name: `Bench ${i + j}`, email: `bench${i + j}@example.com` }, message: { channel: 'web', body: 'help', author: { type: 'customer', name: 'Bench' } } }, { type: 'system', name: 'bench' }),
        ),
      );
      for (const m of made) waiting.add(m.ticket.number);
    }
    const createSec = (performance.now() - t1) / 1000;
    console.log(`created ${SAMPLE} sample tickets (policy applied, 2 timers each) in ${createSec.toFixed(1)} s: ${Math.round(SAMPLE / createSec)} tickets/s`);
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
    sup.disconnect();
    const stored = await c.models.Ticket.find({ 'sla.policy': 'bench' }, { sla: 1 }).lean();
    const evalLate = stored.filter((t) => t.sla?.firstResponse?.breachedAt).map((t) => t.sla!.firstResponse!.breachedAt!.getTime() - t.sla!.firstResponse!.dueAt!.getTime());
    console.log(`evaluation lateness (due → breach written): median ${pct(evalLate, 0.5)} ms, p99 ${pct(evalLate, 0.99)} ms`);
    console.log(`breach lateness, due time → supervisor socket, ${late.length}/${SAMPLE} received with ${PENDING} pending: median ${pct(late, 0.5)} ms, p99 ${pct(late, 0.99)} ms, max ${Math.max(...late)} ms (target p99 ≤ 200 ms)`);
  } finally {
    clearTimeout(killer);
    await workers.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    await c.close().catch(() => undefined);
    await Promise.all([redis.stop(), mongo.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
