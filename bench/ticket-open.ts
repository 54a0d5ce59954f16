/**
 * Opening a ticket as the console does (its timeline: GET /api/tickets/:n/messages) while the store
 * holds TICKETS tickets of MESSAGES messages each, at two sizes (SIZES, default 1000 and 50000):
 * the cost of one open must not grow with the data (issue #23). Inserts the tickets and messages
 * straight into MongoDB (insertMany; each ticket with its `messageIds` list, as the app writes it),
 * then times REQUESTS opens of random tickets over HTTP on 127.0.0.1, and prints p50/p99 with the
 * store's CPU per open. Own stores (mongo-java-server, Redis); stops by itself.
 *   npx tsx bench/ticket-open.ts          (SIZES=1000,50000 MESSAGES=3 REQUESTS=300 to change)
 */
import { Types } from 'mongoose';
import { deadline, loadAverage, login, processCpuSeconds, runBench, startBenchApp, summary } from './lib/harness';

const SIZES = (process.env.SIZES ?? '1000,50000').split(',').map(Number);
const MESSAGES = Number(process.env.MESSAGES ?? 3);
const REQUESTS = Number(process.env.REQUESTS ?? 300);

async function main(): Promise<void> {
  const cancelDeadline = deadline(600_000, 'bench did not finish within 10 minutes');
  const app = await startBenchApp({ name: 'ticket-open', mongoHeap: '1536m', workers: false });
  const { c, server } = app;
  try {
    const { Ticket, Message } = c.models;
    const customer = await c.customers.findOrCreate({ name: 'Bench Customer', email: 'bench@example.com' });
    const token = await login(server.url, 'agent1@demo.local');
    const now = Date.now();
    let have = 0;
    console.log(`load ${loadAverage()}`);
    for (const size of SIZES) {
      const t0 = Date.now();
      for (let start = have; start < size; start += 2000) {
        const tickets: Record<string, unknown>[] = [];
        const messages: Record<string, unknown>[] = [];
        for (let i = start; i < Math.min(size, start + 2000); i++) {
          const _id = new Types.ObjectId();
          const ids = Array.from({ length: MESSAGES }, () => new Types.ObjectId());
          const at = new Date(now - (size - i) * 1000);
          tickets.push({ _id, number: 200_000 + i, subject: `Bench ticket ${i}`, channel: 'email', status: 'open', priority: 'normal', type: 'fault', team: 'support', customerId: customer._id, dedupeKey: `open-bench-${i}`, messageCount: MESSAGES, messageIds: ids, lastMessageId: String(ids[MESSAGES - 1]), createdAt: at, updatedAt: at, meta: {} });
          ids.forEach((mid, k) =>
            messages.push({ _id: mid, ticketId: _id, ticketNumber: 200_000 + i, kind: 'message', author: { type: k % 2 ? 'agent' : 'customer', id: null, name: 'Bench' }, body: `Message ${k} of ticket ${i}: the unit shows E${k}.`, internal: false, automatic: false, channel: 'email', delivery: { status: 'received', attempts: 0 }, mail: { references: [], to: [] }, attachments: [], dedupeKey: `open-bench-${i}-${k}`, createdAt: at, updatedAt: at }),
          );
        }
        await Ticket.collection.insertMany(tickets, { ordered: false });
        await Message.collection.insertMany(messages, { ordered: false });
      }
      have = size;
      console.log(`${size} tickets, ${size * MESSAGES} messages stored in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const open = async (n: number) => {
        const r = await fetch(`${server.url}/api/tickets/${n}/messages`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await r.json()) as { messages?: unknown[] };
        if (r.status !== 200 || body.messages?.length !== MESSAGES) throw new Error(`ticket ${n}: ${r.status} ${JSON.stringify(body).slice(0, 200)}`);
      };
      for (let i = 0; i < 20; i++) await open(200_000 + ((i * 7919) % size)); // warm-up
      const lat: number[] = [];
      const store0 = processCpuSeconds(app.stores.mongo.process.pid);
      for (let i = 0; i < REQUESTS; i++) {
        const s = performance.now();
        await open(200_000 + ((i * 104_729) % size));
        lat.push(performance.now() - s);
      }
      const storeMs = ((processCpuSeconds(app.stores.mongo.process.pid) - store0) * 1000) / REQUESTS;
      const s = summary(lat);
      console.log(`open a ticket at ${size} tickets: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, store CPU ${storeMs.toFixed(2)} ms per open over ${REQUESTS} (load ${loadAverage()})`);
    }
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
