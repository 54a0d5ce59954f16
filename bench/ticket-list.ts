/**
 * Filtered ticket lists and saved-view counts (GET /api/tickets, GET /api/views?counts=true) with
 * LIVE live tickets in the Redis queue index and SOLVED solved ones only in MongoDB. The common views
 * (live statuses: mine, unassigned, at risk, breached, a type or priority filter) run over the live
 * index's summaries and read only the page's tickets by `_id`; a filter on solved tickets is a
 * bounded MongoDB query (a scan of the collection on the embedded store). Own stores; stops by itself.
 *   npx tsx bench/ticket-list.ts            (LIVE=5000 SOLVED=20000 REQUESTS=200 to change)
 */
import { Types } from 'mongoose';
import type { TicketDoc } from '../src/modules/tickets/ticket.model';
import { loadNames, serializeTicket, toQueueItem } from '../src/modules/tickets/ticket.serialize';
import { deadline, loadAverage, login, runBench, startBenchApp, summary } from './lib/harness';

const LIVE = Number(process.env.LIVE ?? 5000);
const SOLVED = Number(process.env.SOLVED ?? 20_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const TEAMS = ['support', 'tech', 'complaints', 'returns'];
const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'];
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'];
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const cancel = deadline(300_000, 'bench did not finish within 5 minutes');
  const app = await startBenchApp({ name: 'ticket-list', mongoHeap: '1536m', workers: false });
  const { c, server } = app;
  try {
    const { Ticket, Agent, Customer } = c.models;
    const customer = await c.customers.findOrCreate({ name: 'Bench Customer', email: 'bench@example.com' });
    const agent1 = (await Agent.findOne({ email: 'agent1@demo.local' }))!;
    const now = Date.now();
    const total = LIVE + SOLVED;
    for (let start = 0; start < total; start += 5000) {
      const docs = [];
      for (let i = start; i < Math.min(total, start + 5000); i++) {
        const live = i < LIVE;
        const createdAt = new Date(now - (total - i) * 60_000);
        docs.push({
          _id: new Types.ObjectId(),
          number: 100_000 + i,
          subject: `Bench ticket ${i}`,
          channel: 'email',
          status: live ? (i % 4 === 0 ? 'new' : 'open') : 'solved',
          priority: PRIORITIES[i % PRIORITIES.length],
          type: TYPES[i % TYPES.length],
          team: TEAMS[i % TEAMS.length],
          assigneeId: live && i % 3 === 0 ? agent1._id : null,
          customerId: customer._id,
          dedupeKey: `bench-list-${i}`,
          preview: 'The unit stops after a few minutes.',
          sla: { policy: 'bench', policyId: 'bench', firstResponse: { dueAt: new Date(now + ((i * 7919) % 86_400) * 1000 - 600_000), status: i % 40 === 0 ? 'breached' : 'active' }, escalationLevel: 0 },
          createdAt,
          updatedAt: createdAt,
          meta: {},
        });
      }
      await Ticket.collection.insertMany(docs, { ordered: false });
      const live = docs.filter((d) => d.status !== 'solved').map((d) => Ticket.hydrate(d)) as unknown as TicketDoc[];
      if (live.length) {
        const names = await loadNames(live, Agent, Customer);
        const items = live.map((t) => toQueueItem(serializeTicket(t, names)));
        for (let j = 0; j < items.length; j += 500) await Promise.all(items.slice(j, j + 500).map((it) => c.queueIndex.put(it)));
      }
    }
    console.log(`${LIVE} live tickets (indexed) and ${SOLVED} solved ones; load average ${loadAverage()}`);
    const token = await login(server.url, 'agent1@demo.local');
    const time = async (label: string, url: string) => {
      const lat: number[] = [];
      let body: any = null;
      for (let i = 0; i < REQUESTS + 10; i++) {
        const s = performance.now();
        const r = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
        body = await r.json();
        if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(body)}`);
        if (i >= 10) lat.push(performance.now() - s); // the first ten warm up
      }
      const s = summary(lat);
      const found = body.tickets ? `${body.tickets.length} shown` : `${body.views.length} views`;
      console.log(`${label.padEnd(46)} p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (${found}) over ${REQUESTS}`);
    };
    await time('mine, due first (live index)', '/api/tickets?status=new,open,pending,on_hold&assignee=me&sort=due&limit=25');
    await time('unassigned new/open (live index)', '/api/tickets?status=new,open&assignee=none&sort=due&limit=25');
    await time('breached (live index)', '/api/tickets?status=new,open,pending,on_hold&sla=breached&limit=25');
    await time('faults, priority order (live index)', '/api/tickets?status=new,open&type=fault&sort=priority&limit=25');
    await time('solved, newest first (store, bounded)', '/api/tickets?status=solved,closed&limit=25');
    await time('solved warranty since a date (store, bounded)', `/api/tickets?status=solved&type=warranty&createdFrom=${new Date(now - 5 * 86_400_000).toISOString().slice(0, 10)}&limit=25`);
    await time('built-in views with counts', '/api/views?counts=true');
  } finally {
    cancel();
    await app.close();
  }
}

runBench(main);
