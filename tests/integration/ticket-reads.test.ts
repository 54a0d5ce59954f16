import { SYSTEM } from '../../src/core/types';
import { CommandRecorder } from '../../src/infra/command-monitor';
import { createLogger } from '../../src/logger';
import { MessageList } from '../../src/modules/tickets/message-list';
import { startTestApp, TestApp } from '../helpers/harness';

/**
 * Opening a ticket and checking a reply against a stale view read the ticket's messages by `_id`
 * (the ticket's own list of them, MessageList): on the embedded store a filter by `ticketId`
 * scans every message of every ticket (MONGO-SUBSET.md, issue #23). Tickets stored before the list
 * existed are still read, and get their list once (the backfill at start).
 */
describe('a ticket\'s messages are read by _id', () => {
  let app: TestApp;
  let rec: CommandRecorder;

  beforeAll(async () => {
    app = await startTestApp({ workers: false, monitorCommands: true });
    rec = new CommandRecorder(app.c.conn).start();
  }, 60000);
  afterAll(async () => {
    rec.stop();
    await app.close();
  });

  async function recorded<T>(flow: () => Promise<T>): Promise<{ out: T; scans: (string | null)[] }> {
    await app.c.events.flush();
    rec.reset();
    const out = await flow();
    await app.c.events.flush();
    return { out, scans: rec.scans().map((c) => c.why) };
  }

  it('an agent opens a ticket: every message, note and event in order, without a scan', async () => {
    const agent = await app.as('agent1@demo.local');
    const created = await agent.post('/api/tickets').send({ channel: 'voice', subject: 'Fridge warm', body: 'The fridge is warm since Monday.', customer: { name: 'Lin Hui', email: 'lin.hui@example.cn' }, team: 'support' });
    expect(created.status).toBe(201);
    const n = created.body.number as number;
    expect((await agent.post(`/api/tickets/${n}/messages`).send({ body: 'Is the door seal intact?' })).status).toBe(201);
    expect((await agent.post(`/api/tickets/${n}/messages`).send({ body: 'Asked about the seal', internal: true })).status).toBe(201);

    const { out: res, scans } = await recorded(() => agent.get(`/api/tickets/${n}/messages`));
    expect(scans).toEqual([]);
    expect(res.status).toBe(200);
    const bodies = (res.body.messages ?? res.body.items ?? res.body).map((m: { body: string }) => m.body);
    // the reply's claim is a timeline line between the reply and the note
    expect(bodies[0]).toBe('The fridge is warm since Monday.');
    expect(bodies).toContain('Is the door seal intact?');
    expect(bodies[bodies.length - 1]).toBe('Asked about the seal');
    expect(bodies.indexOf('Is the door seal intact?')).toBeLessThan(bodies.indexOf('Asked about the seal'));
  });

  it('the console opens a ticket with its panels (customer, quotes, reply window, returns, visits) without a scan', async () => {
    const agent = await app.as('agent1@demo.local');
    const n = (await app.c.models.Ticket.findOne({ subject: 'Fridge warm' }))!.number;
    const paths = [...['', '/messages', '/customer', '/quotes', '/reply-window'].map((p) => `/api/tickets/${n}${p}`), `/api/returns?ticket=${n}`, `/api/work-orders?ticket=${n}`];
    const { out, scans } = await recorded(() => Promise.all(paths.map((p) => agent.get(p))));
    // eslint-disable-next-line no-console
    if (process.env.HOT_PATHS_REPORT) console.log(paths.map((p, i) => `${p} ${out[i].status}`).join('\n'), '\n', scans.join('\n'));
    expect(out.map((r) => r.status)).toEqual(paths.map(() => 200));
    expect(scans).toEqual([]);
  });

  it('refuses a reply written on a stale view, naming what the customer wrote meanwhile, without a scan', async () => {
    const agent = await app.as('agent1@demo.local');
    const { ticket } = await app.c.tickets.create({ channel: 'email', subject: 'Dryer smells', team: 'support', customer: { name: 'Lin Hui', email: 'lin.hui@example.cn' }, message: { channel: 'email', body: 'A burning smell.', author: { type: 'customer', name: 'Lin Hui' } } }, SYSTEM);
    const seen = (await app.c.tickets.byNumber(ticket.number)).lastMessageId;
    await app.c.timeline.receiveFromCustomer(await app.c.tickets.byNumber(ticket.number), { body: 'Now it also beeps.', channel: 'email' }, { type: 'customer', name: 'Lin Hui' });
    const { out: res, scans } = await recorded(() => agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: 'Please unplug it.', expectedLastMessageId: seen }));
    expect(scans).toEqual([]);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('stale_view');
    expect(res.body.error.details.newMessages.map((m: { body: string }) => m.body)).toEqual(['Now it also beeps.']);
  });

  it('reads a ticket stored before the list by its messages, and lists them once backfilled', async () => {
    const { ticket } = await app.c.tickets.create({ channel: 'email', subject: 'Old oven ticket', team: 'support', customer: { name: 'Lin Hui', email: 'lin.hui@example.cn' }, message: { channel: 'email', body: 'The oven does not heat.', author: { type: 'customer', name: 'Lin Hui' } } }, SYSTEM);
    await app.c.timeline.receiveFromCustomer(await app.c.tickets.byNumber(ticket.number), { body: 'Still cold.', channel: 'email' }, { type: 'customer', name: 'Lin Hui' });
    // as a ticket of the release before: no list, and the database not yet migrated
    await app.c.models.Ticket.collection.updateOne({ _id: ticket._id }, { $unset: { messageIds: '' } });
    await app.c.models.Counter.deleteOne({ _id: 'migration:ticket-message-ids' });
    const fresh = new MessageList({ Ticket: app.c.models.Ticket, Message: app.c.models.Message, Counter: app.c.models.Counter, log: createLogger('silent') });
    expect(await fresh.ids(ticket._id)).toBeNull();
    expect((await fresh.read(ticket._id, { limit: 100 })).map((m) => m.body)).toEqual(['The oven does not heat.', 'Still cold.']);

    expect(await fresh.backfill()).toBeGreaterThan(0);
    expect(await fresh.ids(ticket._id)).toHaveLength(2);
    const { out, scans } = await recorded(() => fresh.read(ticket._id, { limit: 100 }));
    expect(scans).toEqual([]);
    expect(out.map((m) => m.body)).toEqual(['The oven does not heat.', 'Still cold.']);
    // once per database: a second start leaves it alone
    expect(await fresh.backfill()).toBe(0);
  });

  it('keeps the list out of what is read with a ticket', async () => {
    const t = await app.c.tickets.byNumber((await app.c.models.Ticket.findOne({ subject: 'Dryer smells' }))!.number);
    expect((t.toObject() as Record<string, unknown>).messageIds).toBeUndefined();
    // nor with the ticket a new message's write answers
    const r = await app.c.timeline.receiveFromCustomer(t, { body: 'It smells less now.', channel: 'email' }, { type: 'customer', name: 'Lin Hui' });
    expect(r.outcome).toBe('added');
    expect((r.ticket.toObject() as Record<string, unknown>).messageIds).toBeUndefined();
    expect(await app.c.messageList.ids(t._id)).toHaveLength(3);
  });
});
