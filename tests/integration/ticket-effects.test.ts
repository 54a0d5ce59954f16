import { MovableClock } from '../../src/infra/clock';
import { bumpConfigVersion } from '../../src/infra/versioned-cache';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { buildTicketBody } from '../builders/ticket';

/**
 * A failing observer leaves no half-made ticket (#13): the ticket is registered, queued and shown
 * anyway, the failed part stays in the ticket's effects journal, and the effects sweeper re-drives
 * exactly that part once it can succeed.
 */
describe('durable ticket side effects', () => {
  let app: TestApp;
  const clock = new MovableClock();
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(() => app.close());

  it('registers a ticket whose SLA policy cannot be applied, and applies it once the policy is mended', async () => {
    // a policy with an absurd target, written past the API's validation (an old or imported document)
    const { insertedId } = await app.c.conn.collection('slapolicies').insertOne({
      name: 'absurd', order: -100, active: true, escalateOnCreate: 0, calendar: null,
      match: { priority: null, type: 'warranty', channel: 'web', team: null },
      targets: { firstResponse: 'P89840051385W', nextResponse: null, resolution: null },
    });
    await bumpConfigVersion(app.c.redis, app.config.queuePrefix, 'sla-policies');

    const a1 = await app.as('agent1@demo.local');
    const res = await a1.post('/api/tickets').send(buildTicketBody({ channel: 'web', type: 'warranty', subject: 'Oven door hinge', body: 'The hinge broke.' }));
    expect(res.status).toBe(201);
    expect(res.body.sla).toBeNull();
    const n = res.body.number as number;
    // every other part of the registration happened: the message, the audit, the live queue
    expect((await a1.get(`/api/tickets/${n}/messages`)).body.messages.map((m: { body: string }) => m.body)).toContain('The hinge broke.');
    expect((await a1.get(`/api/tickets/${n}/audit`)).body.entries.map((e: { action: string }) => e.action)).toContain('created');
    expect((await a1.get('/api/queue?team=support&limit=200')).body.items.some((i: { number: number }) => i.number === n)).toBe(true);
    const owed = (await app.c.models.Ticket.findOne({ number: n }).lean())!.effects;
    expect(owed).toEqual([expect.objectContaining({ event: 'created', pending: ['sla'], attempts: 1 })]);

    const mended = await (await app.as('manager@demo.local')).put(`/api/sla-policies/${insertedId}`).send({ name: 'absurd', order: -100, match: { type: 'warranty', channel: 'web' }, targets: { firstResponse: 'PT2H' } });
    expect(mended.status).toBe(200);
    clock.advance(10 * 60 * 1000); // past the retry's backoff
    await app.c.queues.get('tickets').add('effects', {});
    const applied = await eventually(async () => {
      const t = await app.c.models.Ticket.findOne({ number: n }).lean();
      return t?.sla?.policy === 'absurd' && t.effects.length === 0 ? t : null;
    }, 20_000);
    expect(applied.sla!.firstResponse!.status).toBe('active');
    expect((await a1.get(`/api/tickets/${n}`)).body.sla).toMatchObject({ policy: 'absurd', firstResponse: { status: 'active' } });
    await app.c.conn.collection('slapolicies').deleteOne({ _id: insertedId });
    await bumpConfigVersion(app.c.redis, app.config.queuePrefix, 'sla-policies');
  });

  it('finishes the observers of a change that a crash cut short', async () => {
    const a1 = await app.as('agent1@demo.local');
    const t = (await a1.post('/api/tickets').send(buildTicketBody({ type: 'fault', subject: 'Dryer drum', body: 'It squeaks.', team: 'tech' }))).body;
    expect((await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'An engineer will call.' })).status).toBe(201);
    // the crash: the solve was written with its journal entry, and no observer ran
    const entry = app.c.events.entry('changed', { changes: { status: ['open', 'solved'] }, actor: { type: 'agent', name: 'Chen Jie (陈杰)' } });
    await app.c.models.Ticket.updateOne({ number: t.number }, { $set: { status: 'solved', solvedAt: clock.now() }, $push: { effects: entry } });
    clock.advance(10 * 60 * 1000); // the chain's lease ran out
    await app.c.queues.get('tickets').add('effects', {});
    const survey = await eventually(() => app.c.conn.collection('surveys').findOne({ ticketNumber: t.number }), 20_000);
    expect(survey).toMatchObject({ status: 'scheduled', round: 1 });
    await eventually(async () => (await app.c.models.Ticket.findOne({ number: t.number }).lean())!.effects.length === 0, 20_000);
    expect(await app.c.conn.collection('callbacks').findOne({ ticketNumber: t.number, kind: 'follow_up' })).toMatchObject({ status: 'scheduled' });
    expect(await app.c.queues.get('tickets').getJob(`close-${t.id}`)).toBeDefined();
  });
});
