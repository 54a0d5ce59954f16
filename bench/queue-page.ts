/**
 * The live queue and the dashboard with 100 000 open tickets. Inserts the tickets straight into
 * MongoDB (insertMany) and fills the Redis queue index beside them, then measures, over HTTP on
 * 127.0.0.1, GET /api/queue?limit=50 for an agent of two teams (first pages and cursor pages; target
 * p99 ≤ 50 ms) and GET /api/dashboard for a supervisor and a manager. Own stores (mongo-java-server,
 * Redis); stops by itself.
 *   npx tsx bench/queue-page.ts            (TICKETS=100000 REQUESTS=500 to change)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/container';
import { createLogger } from '../src/logger';
import { seedDemo } from '../src/seed/demo';
import { startServer } from '../src/server';
import { loadNames, serializeTicket, toQueueItem } from '../src/modules/tickets/ticket.serialize';
import type { TicketDoc } from '../src/modules/tickets/ticket.model';
import { startMongo, startRedis } from '../scripts/lib/embedded-stores';

const TICKETS = Number(process.env.TICKETS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const TEAMS = ['support', 'tech', 'complaints', 'returns'];
const CHANNELS = ['email', 'chat', 'voice', 'web'] as const;
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const;

const pct = (a: number[], p: number) => (a.length ? [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN);
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const killer = setTimeout(() => {
    console.error('bench did not finish within 3 minutes');
    process.exit(2);
  }, 180_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-queue-'));
  const [redis, mongo] = await Promise.all([startRedis(), startMongo({ maxHeap: '1536m' })]);
  const config = loadConfig({ NODE_ENV: 'production', MONGODB_URI: `${mongo.url}/bench_queue`, REDIS_URL: redis.url, DATA_DIR: dataDir, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'warn', QUEUE_PREFIX: 'benchqueue' });
  const c = await createContainer(config, { log: createLogger('warn') });
  await seedDemo(c);
  const server = await startServer(c, { port: 0, host: '127.0.0.1' });
  try {
    const { Ticket, Agent, Customer } = c.models;
    const customer = await c.customers.findOrCreate({ name: 'Bench Customer', email: 'bench@example.com' });
    const agents = await Agent.find({ role: { $in: ['agent', 'supervisor'] } });
    const now = Date.now();
    const t0 = Date.now();
    const BATCH = 5000;
    let inserted = 0;
    let indexMs = 0;
    for (let start = 0; start < TICKETS; start += BATCH) {
      const docs = [];
      for (let i = start; i < Math.min(TICKETS, start + BATCH); i++) {
        const team = TEAMS[i % TEAMS.length];
        const owner = i % 3 === 0 ? agents.find((a) => a.teams.includes(team)) : undefined;
        const createdAt = new Date(now - (TICKETS - i) * 1000);
        docs.push({
          _id: new Types.ObjectId(),
          number: 100_000 + i,
          subject: `Bench ticket ${i}: appliance fault report`,
          channel: CHANNELS[i % CHANNELS.length],
          status: i % 5 === 0 ? 'new' : 'open',
          priority: PRIORITIES[i % PRIORITIES.length],
          type: 'fault',
          team,
          assigneeId: owner?._id ?? null,
          customerId: customer._id,
          dedupeKey: `bench-${i}`,
          preview: 'The unit stops after a few minutes and shows an error code.',
          sla: { policy: 'bench', firstResponse: { dueAt: new Date(now + ((i * 7919) % 86_400) * 1000 - 3_600_000), status: i % 50 === 0 ? 'breached' : 'active' }, escalationLevel: 0 },
          createdAt,
          updatedAt: createdAt,
          meta: {},
        });
      }
      await Ticket.collection.insertMany(docs, { ordered: false });
      // the queue index, filled as TicketJobs.rebuildQueueIndex does, from the batch in hand
      const i0 = Date.now();
      const batch = docs.map((d) => Ticket.hydrate(d)) as unknown as TicketDoc[];
      const names = await loadNames(batch, Agent, Customer);
      const items = batch.map((t) => toQueueItem(serializeTicket(t, names)));
      for (let j = 0; j < items.length; j += 500) await Promise.all(items.slice(j, j + 500).map((it) => c.queueIndex.put(it)));
      indexMs += Date.now() - i0;
      inserted += docs.length;
    }
    const loadSec = (Date.now() - t0) / 1000;
    console.log(`inserted ${inserted} open tickets and indexed them in ${loadSec.toFixed(1)} s (of which the Redis index ${(indexMs / 1000).toFixed(1)} s)`);
    // the index alone, in process: what a page costs without HTTP, auth and the agent lookup in MongoDB
    const direct: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const s = performance.now();
      await c.queueIndex.page(['support', 'tech'], 50);
      direct.push(performance.now() - s);
    }
    console.log(`QueueIndex.page(support+tech, 50) in process: p50 ${ms(pct(direct, 0.5))}, p99 ${ms(pct(direct, 0.99))} over ${REQUESTS}`);

    const login = async (email: string) => {
      const r = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'demo-password' }) });
      return ((await r.json()) as { token: string }).token;
    };
    const time = async (url: string, token: string, n: number, next?: (body: any) => string | null) => {
      const lat: number[] = [];
      let cursorUrl: string | null = null;
      let last: any = null;
      for (let i = 0; i < n; i++) {
        const target: string = cursorUrl ?? url;
        const s = performance.now();
        const r = await fetch(`${server.url}${target}`, { headers: { authorization: `Bearer ${token}` } });
        last = await r.json();
        lat.push(performance.now() - s);
        if (r.status !== 200) throw new Error(`${target}: ${r.status} ${JSON.stringify(last)}`);
        cursorUrl = next ? next(last) : null;
      }
      return { lat, last };
    };
    const agentToken = await login('agent1@demo.local');
    await time('/api/queue?limit=50', agentToken, 20); // warm-up
    const first = await time('/api/queue?limit=50', agentToken, REQUESTS);
    console.log(`GET /api/queue?limit=50 (agent1: support+tech, total ${first.last.total}): p50 ${ms(pct(first.lat, 0.5))}, p99 ${ms(pct(first.lat, 0.99))}, max ${ms(Math.max(...first.lat))} over ${REQUESTS}`);
    let page = 0;
    const deep = await time('/api/queue?limit=50', agentToken, REQUESTS, (b) => (++page % 20 === 0 || !b.nextCursor ? null : `/api/queue?limit=50&cursor=${encodeURIComponent(b.nextCursor)}`));
    console.log(`GET /api/queue?limit=50 walking cursors (pages 1-20): p50 ${ms(pct(deep.lat, 0.5))}, p99 ${ms(pct(deep.lat, 0.99))}, max ${ms(Math.max(...deep.lat))} over ${REQUESTS}`);
    for (const who of ['supervisor@demo.local', 'manager@demo.local']) {
      const tok = await login(who);
      await time('/api/dashboard', tok, 10);
      const d = await time('/api/dashboard', tok, Math.min(REQUESTS, 200));
      const teams = d.last.teams.map((t: any) => `${t.team.key} open ${t.open} waiting ${t.waiting} atRisk ${t.atRisk} breached ${t.breached}`).join('; ');
      console.log(`GET /api/dashboard (${who.split('@')[0]}, ${d.last.teams.length} teams, ${d.last.agents.length} agents): p50 ${ms(pct(d.lat, 0.5))}, p99 ${ms(pct(d.lat, 0.99))} over ${d.lat.length} — ${teams}`);
    }
  } finally {
    clearTimeout(killer);
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
