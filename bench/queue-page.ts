/**
 * The live queue and the dashboard with 100 000 open tickets. Inserts the tickets straight into
 * MongoDB (insertMany) and fills the Redis queue index beside them, then measures, over HTTP on
 * 127.0.0.1, GET /api/queue?limit=50 for an agent of two teams (first pages and cursor pages; target
 * p99 ≤ 50 ms) and GET /api/dashboard for a supervisor and a manager. Own stores (mongo-java-server,
 * Redis); stops by itself.
 *   npx tsx bench/queue-page.ts            (TICKETS=100000 REQUESTS=500 to change)
 */
import { Types } from 'mongoose';
import { loadNames, serializeTicket, toQueueItem } from '../src/modules/tickets/ticket.serialize';
import type { TicketDoc } from '../src/modules/tickets/ticket.model';
import { deadline, login as loginAs, runBench, startBenchApp, summary } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const TEAMS = ['support', 'tech', 'complaints', 'returns'];
const CHANNELS = ['email', 'chat', 'voice', 'web'] as const;
const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const;

const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (a: number[], withMax = true) => {
  const s = summary(a);
  return `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}${withMax ? `, max ${ms(s.max)}` : ''}`;
};

async function main(): Promise<void> {
  const cancelDeadline = deadline(180_000, 'bench did not finish within 3 minutes');
  const app = await startBenchApp({ name: 'queue', mongoHeap: '1536m', workers: false });
  const { c, server } = app;
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
    console.log(`QueueIndex.page(support+tech, 50) in process: ${line(direct, false)} over ${REQUESTS}`);

    const login = (email: string) => loginAs(server.url, email);
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
    console.log(`GET /api/queue?limit=50 (agent1: support+tech, total ${first.last.total}): ${line(first.lat)} over ${REQUESTS}`);
    let page = 0;
    const deep = await time('/api/queue?limit=50', agentToken, REQUESTS, (b) => (++page % 20 === 0 || !b.nextCursor ? null : `/api/queue?limit=50&cursor=${encodeURIComponent(b.nextCursor)}`));
    console.log(`GET /api/queue?limit=50 walking cursors (pages 1-20): ${line(deep.lat)} over ${REQUESTS}`);
    for (const who of ['supervisor@demo.local', 'manager@demo.local']) {
      const tok = await login(who);
      await time('/api/dashboard', tok, 10);
      const d = await time('/api/dashboard', tok, Math.min(REQUESTS, 200));
      const teams = d.last.teams.map((t: any) => `${t.team.key} open ${t.open} waiting ${t.waiting} atRisk ${t.atRisk} breached ${t.breached}`).join('; ');
      console.log(`GET /api/dashboard (${who.split('@')[0]}, ${d.last.teams.length} teams, ${d.last.agents.length} agents): ${line(d.lat, false)} over ${d.lat.length} — ${teams}`);
    }
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
