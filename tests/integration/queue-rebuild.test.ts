import { QueueRebuild } from '../../src/modules/tickets/queue-rebuild';
import { startTestApp, TestApp } from '../helpers/harness';
import { buildTicketBody } from '../builders/ticket';

/**
 * The live queue index is mended from MongoDB when a worker starts. Agents work on the queue while
 * that runs: the repair must never leave a hole (a new ticket missing for a moment) nor put back a
 * ticket that was solved while it read (a solved ticket in an agent's queue).
 */
describe('mending the live queue index', () => {
  let app: TestApp;
  let rebuild: QueueRebuild;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const { Ticket, Agent, Customer } = app.c.models;
    rebuild = new QueueRebuild({ Ticket, Agent, Customer, index: app.c.queueIndex });
  });
  afterAll(() => app.close());

  const queueNumbers = async () => {
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.get('/api/queue?team=support&limit=200');
    return (res.body.items as { number: number; priority: string }[]);
  };
  const open = async (subject: string) => {
    const res = await (await app.as('agent1@demo.local')).post('/api/tickets').send(buildTicketBody({ subject, body: `${subject}, please help.` }));
    expect(res.status).toBe(201);
    return res.body as { id: string; number: number };
  };

  it('writes nothing when the index is right, and puts back an entry that was lost', async () => {
    const t = await open('Fridge light flickers');
    const before = await queueNumbers();
    expect((await rebuild.run()).written).toBe(0);
    expect(await queueNumbers()).toEqual(before);

    await app.c.queueIndex.remove(t.id); // lost: Redis restarted without its data, say
    expect((await queueNumbers()).some((i) => i.number === t.number)).toBe(false);
    const r = await rebuild.run();
    expect(r.written).toBe(1);
    expect((await queueNumbers()).map((i) => i.number)).toContain(t.number);
  });

  it('removes the entry of a ticket that is no longer live', async () => {
    const t = await open('Dishwasher leaks');
    await app.c.models.Ticket.updateOne({ _id: t.id }, { $set: { status: 'solved' } }); // solved with its observer lost
    expect((await queueNumbers()).map((i) => i.number)).toContain(t.number);
    expect((await rebuild.run()).removed).toBe(1);
    expect((await queueNumbers()).map((i) => i.number)).not.toContain(t.number);
  });

  it('does not put back a ticket solved after the repair read it', async () => {
    const t = await open('Oven fan noisy');
    const copy = await app.c.models.Ticket.find({ _id: t.id }); // the repair's read
    await app.c.queueIndex.remove(t.id); // and its entry was lost before: the repair will write it
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.patch(`/api/tickets/${t.number}`).send({ status: 'solved' })).status).toBe(200);
    await rebuild.reconcile(copy);
    expect((await queueNumbers()).map((i) => i.number)).not.toContain(t.number);
  });

  it('keeps what the live observer wrote after the repair read the ticket', async () => {
    const t = await open('Washer drum stuck');
    const copy = await app.c.models.Ticket.find({ _id: t.id });
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.patch(`/api/tickets/${t.number}`).send({ priority: 'urgent' })).status).toBe(200);
    expect(await rebuild.reconcile(copy)).toBe(0);
    expect((await queueNumbers()).find((i) => i.number === t.number)?.priority).toBe('urgent');
  });

  it('drops set members left without an entry', async () => {
    const prefix = app.config.queuePrefix;
    await app.c.redis.zadd(`${prefix}:q:team:support`, 1, 'deadbeefdeadbeefdeadbeef');
    await app.c.redis.sadd(`${prefix}:q:breached:support`, 'deadbeefdeadbeefdeadbeef');
    const { pruned } = await rebuild.run();
    expect(pruned).toBe(2);
    expect(await app.c.redis.zscore(`${prefix}:q:team:support`, 'deadbeefdeadbeefdeadbeef')).toBeNull();
    expect((await queueNumbers()).length).toBeGreaterThan(0);
  });
});
