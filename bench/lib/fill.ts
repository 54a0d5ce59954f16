import { mongo, Types } from 'mongoose';

/**
 * A realistic bulk seed for the benches that need a big store fast: per ticket a customer, its
 * e-mail contact, the ticket (every third open, the rest closed, team support) and `messages`
 * messages, written straight to the collections in batches of 2 000 (the product's paths cost
 * ~50 ms a ticket: 50 000 would take most of an hour here). Keys and shapes as the services
 * write them, so the app reads them like its own. Answers the count reached.
 */
export async function fillTickets(db: mongo.Db, from: number, to: number, opts: { messages?: number } = {}): Promise<number> {
  const perTicket = opts.messages ?? 1;
  let filled = from;
  while (filled < to) {
    const n = Math.min(2000, to - filled);
    const customers = [];
    const contacts = [];
    const tickets = [];
    const messages = [];
    for (let i = 0; i < n; i++) {
      const k = filled + i;
      const customerId = new Types.ObjectId();
      const ticketId = new Types.ObjectId();
      const email = `filled${k}@example.net`;
      const now = new Date();
      customers.push({ _id: customerId, name: `Filled ${k}`, emails: [email], phones: [], locale: 'en', teams: ['support'], recentTickets: [ticketId], products: [], merges: [], createdAt: now, updatedAt: now });
      contacts.push({ _id: `email:${email}`, customerId });
      tickets.push({ _id: ticketId, number: 1_000_000 + k, subject: `Filled ticket ${k} washer drum noise`, channel: 'email', status: k % 3 ? 'closed' : 'open', priority: 'normal', type: 'inquiry', team: 'support', customerId, dedupeKey: `fill:${k}`, messageCount: perTicket, preview: 'filled', effects: [], createdAt: now, updatedAt: now });
      for (let m = 0; m < perTicket; m++) {
        messages.push({ ticketId, ticketNumber: 1_000_000 + k, kind: 'message', author: m % 2 ? { type: 'agent', name: 'Agent' } : { type: 'customer', name: `Filled ${k}` }, body: `A filled message ${m} about the washer: the drum makes a noise at spin, error E${k % 30}.`, channel: 'email', internal: false, automatic: false, dedupeKey: `fill:${k}:${m}`, createdAt: now });
      }
    }
    await Promise.all([db.collection('customers').insertMany(customers), db.collection('contacts').insertMany(contacts as never), db.collection('tickets').insertMany(tickets), db.collection('messages').insertMany(messages)]);
    filled += n;
  }
  // the numbers the app hands out from here on stay clear of the filled ones
  await db.collection('counters').updateOne({ _id: 'ticket' as never }, { $max: { seq: 2_000_000 } }, { upsert: true });
  return filled;
}
