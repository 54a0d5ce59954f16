import { QueueEvents } from 'bullmq';
import { MovableClock } from '../../src/infra/clock';
import { eventually, startTestApp, TestApp } from '../helpers/harness';

const HOUR = 3600_000;
type Msg = { event: { type: string; data: Record<string, unknown> } | null };

/**
 * Time rules ("pending for 48 hours") on a clock the test moves: they fire once when their state
 * has held long enough, again only after the state was left and entered anew, from the timers in
 * MongoDB even when the BullMQ jobs are lost, and for tickets already in the state when the rule
 * was written (the backfill).
 */
describe('time rules', () => {
  let app: TestApp;
  let events: QueueEvents;
  const clock = new MovableClock();
  let manager: Awaited<ReturnType<TestApp['as']>>;
  let agent1: Awaited<ReturnType<TestApp['as']>>;

  const ticket = async (subject: string) => {
    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject, body: subject, customer: { name: 'Ana', email: `ana.${Math.random().toString(36).slice(2)}@example.com` }, team: 'support' })).body;
    await agent1.post(`/api/tickets/${t.number}/messages`).send({ body: 'Please send the serial number.', status: 'pending' }).expect(201);
    return t as { number: number; id: string };
  };
  const fired = async (n: number, rule: string) => ((await manager.get(`/api/tickets/${n}/messages`)).body.messages as Msg[]).filter((m) => m.event?.type === 'rule_applied' && m.event.data.rule === rule).length;
  /** Runs the sweeper once and answers what it did (awaited through the queue's events, no sleeping). */
  const sweep = async (): Promise<{ due: number; fired: number }> => {
    const job = await app.c.queues.get('automation').add('sweep', {});
    return job.waitUntilFinished(events, 30_000);
  };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    events = new QueueEvents('automation', { connection: app.c.makeRedis('worker'), prefix: app.config.queuePrefix });
    await events.waitUntilReady();
    manager = await app.as('manager@demo.local');
    agent1 = await app.as('agent1@demo.local');
  });
  afterAll(async () => {
    await events.close();
    await app.close();
  });

  it('fires once when a ticket has been pending for 48 hours, and again only after it left the state', async () => {
    const before = await ticket('Washer drum noise'); // already pending when the rule is written: the backfill plans it
    const rule = await manager.post('/api/automations').send({
      name: 'Nudge after 48 h pending',
      on: 'time',
      conditions: { status: 'pending', hoursSince: 48 },
      actions: [{ type: 'add_tags', tags: ['nudged'] }, { type: 'note', text: 'Pending for two days: call the customer.' }],
    });
    expect(rule.status).toBe(201);
    expect(rule.body.conditions.since).toEqual({ field: 'ticket.status', value: 'pending', hours: 48 });
    const t = await ticket('AC remote lost');
    await eventually(() => app.c.conn.collection('automationtimers').countDocuments({ ruleId: rule.body.id }).then((n) => n === 2), 20_000);

    clock.advance(47 * HOUR);
    expect(await sweep()).toEqual({ due: 0, fired: 0 });
    expect(await fired(t.number, 'Nudge after 48 h pending')).toBe(0);

    // the delayed jobs are lost (Redis flushed, say): the timers in MongoDB still fire
    await app.c.queues.get('automation').drain(true);
    clock.advance(2 * HOUR);
    expect(await sweep()).toEqual({ due: 2, fired: 2 });
    for (const n of [t.number, before.number]) {
      expect((await manager.get(`/api/tickets/${n}`)).body.tags).toEqual(['nudged']);
      expect(await fired(n, 'Nudge after 48 h pending')).toBe(1);
    }
    const note = ((await manager.get(`/api/tickets/${t.number}/messages`)).body.messages as (Msg & { body: string; internal: boolean })[]).find((m) => m.event?.type === 'rule_note');
    expect(note).toMatchObject({ body: 'Pending for two days: call the customer.', internal: true });

    // still pending, hours later: it does not fire again
    clock.advance(5 * HOUR);
    expect((await sweep()).fired).toBe(0);
    expect(await fired(t.number, 'Nudge after 48 h pending')).toBe(1);

    // the condition turns false (the customer answers: open), then true again (pending): once more after 48 h
    await agent1.patch(`/api/tickets/${t.number}`).send({ status: 'open' }).expect(200);
    await agent1.patch(`/api/tickets/${t.number}`).send({ status: 'pending' }).expect(200);
    clock.advance(24 * HOUR);
    expect((await sweep()).fired).toBe(0);
    clock.advance(25 * HOUR);
    expect((await sweep()).fired).toBe(1);
    expect(await fired(t.number, 'Nudge after 48 h pending')).toBe(2);
    expect(await fired(before.number, 'Nudge after 48 h pending')).toBe(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
    expect(await app.c.conn.collection('automationtimers').countDocuments({ ruleId: rule.body.id })).toBe(0);
  });

  it('fires from its own delayed job at the due moment, without a sweep', async () => {
    const rule = await manager.post('/api/automations').send({ name: 'Pending 2 s', on: 'time', conditions: { since: { field: 'ticket.status', value: 'pending', hours: 2 / 3600 } }, actions: [{ type: 'set_priority', value: 'high' }] });
    expect(rule.status).toBe(201);
    const t = await ticket('Dishwasher door');
    const seen = await eventually(async () => ((await manager.get(`/api/tickets/${t.number}`)).body.priority === 'high' ? true : null), 20_000, 200);
    expect(seen).toBe(true);
    expect(await fired(t.number, 'Pending 2 s')).toBe(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('counts in a dry run the recent tickets a rule would match', async () => {
    const old = await ticket('Oven fan');
    clock.advance(2 * HOUR);
    const young = await ticket('Fridge light'); // pending for less than an hour: not counted
    clock.advance(HOUR / 2);
    const res = await manager.post('/api/automations/dry-run').send({ rule: { name: 'dry', on: 'time', conditions: { status: 'pending', hoursSince: 1 }, actions: [{ type: 'add_tags', tags: ['x'] }] }, limit: 200 });
    expect(res.status).toBe(200);
    const pending = (await manager.get('/api/tickets?status=pending&limit=100')).body.tickets.map((x: { number: number }) => x.number);
    expect(res.body.tickets).toContain(old.number);
    expect(res.body.tickets).not.toContain(young.number);
    expect(res.body.tickets.every((n: number) => pending.includes(n))).toBe(true);
    expect(res.body.matched).toBe(res.body.tickets.length);
    expect(res.body.of).toBeGreaterThanOrEqual(pending.length);
    const subject = await manager.post('/api/automations/dry-run').send({ rule: { name: 'dry', on: 'ticket.created', conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: 'washer' }] }, actions: [{ type: 'add_tags', tags: ['x'] }] } });
    expect(subject.body.tickets.length).toBe(subject.body.matched);
    expect(subject.body.matched).toBeGreaterThanOrEqual(1);
  });

  it('counts a state held since creation from the creation, also after another attribute changed', async () => {
    // a new ticket writes no state clock (issue #23): its clock is its creation until it first changes
    const rule = await manager.post('/api/automations').send({ name: 'New for 3 h', on: 'time', conditions: { status: 'new', hoursSince: 3 }, actions: [{ type: 'add_tags', tags: ['stale'] }] });
    expect(rule.status).toBe(201);
    const open = async (subject: string) => (await agent1.post('/api/tickets').send({ channel: 'web', subject, body: subject, customer: { name: 'Bo', email: `bo.${Math.random().toString(36).slice(2)}@example.com` }, team: 'support' }).expect(201)).body as { number: number; status: string };
    const untouched = await open('Kettle light');
    const changed = await open('Toaster lever');
    expect(untouched.status).toBe('new');
    clock.advance(2 * HOUR);
    // a change of another attribute two hours later: the status still counts from the creation
    await agent1.patch(`/api/tickets/${changed.number}`).send({ priority: 'high' }).expect(200);
    clock.advance(HOUR / 2);
    expect((await sweep()).fired).toBe(0);
    clock.advance(HOUR);
    await sweep();
    for (const n of [untouched.number, changed.number]) expect((await manager.get(`/api/tickets/${n}`)).body.tags).toEqual(['stale']);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });
});
