import type { Socket } from 'socket.io-client';
import { MovableClock } from '../../src/infra/clock';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

type Escalation = { ticketNumber: number; target: string; kind: string; level: number; dueAt: string; workOrder: { id: string; number: string } };

/**
 * The on-site target `onSite` on a movable clock: 4 h of the field team's business hours from
 * dispatch (across the Friday evening closing), 4 h around the clock for an emergency at night,
 * paused while the customer reschedules, and a breach escalating by level on the socket.
 */
/** The movable clock still ticks between moves: due times are exact up to the seconds the test itself took. */
/**
 * Within 5 s of `expected`; `since` (a Date.now() taken when the test clock was set) widens the
 * bound by the real time that has passed since, as the test clock keeps ticking with it: on a
 * loaded machine the evaluation may come seconds after the clock was set.
 */
const near = (actual: string | null, expected: string, since?: number) => {
  expect(actual).not.toBeNull();
  const late = Date.parse(actual!) - Date.parse(expected);
  expect(late).toBeGreaterThan(-5000);
  expect(late).toBeLessThan(5000 + (since === undefined ? 0 : Date.now() - since));
};

describe('on-site SLA of work orders', () => {
  const clock = new MovableClock();
  let app: TestApp;
  let sup: Awaited<ReturnType<TestApp['as']>>;
  let engineer1: string;
  let ticket: number;
  let sweeps = 0;

  const raise = async (fields: object) => {
    const res = await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'No cooling', address: '上海市静安区南京西路 1 号', ...fields });
    expect(res.status).toBe(201);
    return res.body;
  };
  const window = (fromNow: number, hours = 2) => {
    const start = new Date(clock.now().getTime() + fromNow);
    return { start: start.toISOString(), end: new Date(start.getTime() + hours * 3600_000).toISOString() };
  };
  /** what the periodic sweeper does every 30 s, now (the clock jumped; the delayed jobs wait in real time) */
  const sweep = () => app.c.queues.get('workorders').add('sweep', {}, { jobId: `test-sweep-${++sweeps}`, removeOnComplete: true });

  beforeAll(async () => {
    clock.set('2031-03-03T00:00:00Z');
    app = await startTestApp({ clock });
    sup = await app.as('supervisor@demo.local');
    engineer1 = String((await app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    ticket = (await app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
  });
  afterAll(() => app.close());

  it('is due 4 business hours after dispatch, across the Friday closing into Saturday morning', async () => {
    clock.set('2031-03-07T08:30:00Z'); // Friday 16:30 in Shanghai: 1.5 h left today, the rest on Saturday from 09:00
    const wo = await raise({ window: window(3600_000), engineer: engineer1 });
    expect(wo.status).toBe('dispatched');
    expect(wo.sla.onSite.status).toBe('active');
    near(wo.sla.onSite.dueAt, '2031-03-08T03:30:00.000Z'); // Saturday 11:30
    const job = await app.c.queues.get('workorders').getJob(`wo-onsite-breach-${wo.id}`);
    expect(job?.data).toEqual({ workOrderId: wo.id });
  });

  it('an emergency at night is due 4 h later around the clock; its breach escalates on the socket, level by level', async () => {
    clock.set('2031-03-04T18:00:00Z'); // Wednesday 02:00 in Shanghai, the team is closed
    const supSocket: Socket = await app.agentSocket('supervisor@demo.local');
    const managerSocket: Socket = await app.agentSocket('manager@demo.local');
    const engSocket: Socket = await app.agentSocket('engineer1@demo.local');
    const wo = await raise({ emergency: true, window: window(1800_000, 1), engineer: engineer1 });
    expect(wo.sla.onSite.status).toBe('active');
    near(wo.sla.onSite.dueAt, '2031-03-04T22:00:00.000Z');

    const warned = nextEvent<Escalation>(engSocket, 'escalation', (e) => e.workOrder?.id === wo.id && e.kind === 'warning', 20_000);
    clock.set('2031-03-04T21:20:00Z'); // past 80 %
    await sweep();
    expect(await warned).toMatchObject({ target: 'onSite', level: 0, ticketNumber: ticket, workOrder: { number: wo.number } });

    const breach = nextEvent<Escalation>(supSocket, 'escalation', (e) => e.workOrder?.id === wo.id && e.kind === 'breach' && e.level === 1, 20_000);
    const engBreach = nextEvent<Escalation>(engSocket, 'escalation', (e) => e.workOrder?.id === wo.id && e.kind === 'breach', 20_000);
    clock.set('2031-03-04T22:00:10Z');
    await sweep();
    expect(await breach).toMatchObject({ target: 'onSite', dueAt: wo.sla.onSite.dueAt });
    await engBreach;
    const level2 = nextEvent<Escalation>(managerSocket, 'escalation', (e) => e.workOrder?.id === wo.id && e.level === 2, 20_000);
    clock.advance(app.config.slaEscalationStepMs + 1000);
    await sweep();
    await level2;
    const stored = await eventually(async () => {
      const w = (await sup.get(`/api/work-orders/${wo.id}`)).body;
      return w.sla.escalationLevel === 2 && w;
    });
    expect(stored.sla.onSite.status).toBe('breached');
    const managerId = String((await app.c.models.Agent.findOne({ email: 'manager@demo.local' }))!._id);
    const raw = (await app.c.conn.collection('workorders').findOne({ number: wo.number }))!;
    const level2Id = raw.sla.escalations.find((e: { level: number }) => e.level === 2)._id;
    expect((await app.c.queues.get('mail-out').getJob(`wo-sla-mail-${level2Id}-${managerId}`))?.data).toMatchObject({ to: 'manager@demo.local', template: 'workorder-escalation', locale: 'zh-CN' });

    // evaluating again changes nothing (idempotent), and an arrival ends the chain
    await sweep();
    const eng = await app.as('engineer1@demo.local');
    await eng.post(`/api/work-orders/${wo.id}/events`).send({ type: 'accept', clientId: `sla-accept-${wo.id}` });
    await eng.post(`/api/work-orders/${wo.id}/events`).send({ type: 'depart', clientId: `sla-depart-${wo.id}` });
    const arrived = await eng.post(`/api/work-orders/${wo.id}/events`).send({ type: 'arrive', clientId: `sla-arrive-${wo.id}` });
    expect(arrived.body.sla).toMatchObject({ onSite: { status: 'breached' }, escalationLevel: 2 });
    expect(await app.c.queues.get('workorders').getJob(`wo-escalate-${wo.id}`)).toBeUndefined();
  });

  it('the sweeper reads live work orders from its due set, rebuilds it from MongoDB when Redis lost it, and a cancelled one leaves it', async () => {
    clock.set('2031-03-05T18:00:00Z'); // Thursday 02:00 in Shanghai
    const supSocket: Socket = await app.agentSocket('supervisor@demo.local');
    const wo = await raise({ emergency: true, window: window(1800_000, 1), engineer: engineer1 });
    const key = `${app.c.config.queuePrefix}:due:onsite`;
    const raw = (await app.c.conn.collection('workorders').findOne({ number: wo.number }))!;
    expect(Number(await app.c.redis.zscore(key, wo.id))).toBe(new Date(raw.sla.nextCheckAt).getTime()); // written with the state

    // Redis lost (an older snapshot): no timer, no entry, no marker of the last repair
    const q = app.c.queues.get('workorders');
    for (const id of [`wo-onsite-warn-${wo.id}`, `wo-onsite-breach-${wo.id}`]) await q.remove(id);
    await app.c.redis.zrem(key, wo.id);
    await app.c.redis.del(`${key}:repaired`);
    const breach = nextEvent<Escalation>(supSocket, 'escalation', (e) => e.workOrder?.id === wo.id && e.kind === 'breach' && e.level === 1, 20_000);
    clock.set('2031-03-05T22:00:10Z');
    await sweep();
    expect(await breach).toMatchObject({ target: 'onSite', dueAt: wo.sla.onSite.dueAt });

    expect((await sup.post(`/api/work-orders/${wo.id}/events`).send({ type: 'cancel', clientId: `due-cancel-${wo.id}`, reason: 'customer fixed it' })).status).toBeLessThan(300);
    await eventually(async () => (await app.c.redis.zscore(key, wo.id)) === null, 10_000);
  });

  it('pauses while the customer reschedules and runs again from the new window with the time left', async () => {
    clock.set('2031-03-10T02:00:00Z'); // Monday 10:00 in Shanghai
    const wo = await raise({ window: window(3600_000), engineer: engineer1 });
    near(wo.sla.onSite.dueAt, '2031-03-10T07:30:00.000Z'); // 10:00–12:00, 13:30–15:30
    clock.set('2031-03-10T03:00:00Z'); // an hour later the customer asks for tomorrow at 14:00
    const moved = await sup.patch(`/api/work-orders/${wo.id}`).send({ window: { start: '2031-03-11T06:00:00Z', end: '2031-03-11T08:00:00Z' }, rescheduledBy: 'customer' });
    expect(moved.status).toBe(200);
    expect(moved.body.sla).toMatchObject({ onSite: { status: 'paused', dueAt: null }, pausedUntil: '2031-03-11T06:00:00.000Z' });
    clock.set('2031-03-11T06:00:30Z');
    const resumedFrom = Date.now();
    await sweep();
    const resumed = await eventually(async () => {
      const w = (await sup.get(`/api/work-orders/${wo.id}`)).body;
      return w.sla.onSite.status === 'active' && w;
    });
    // 3 h were left: 14:00:30–18:00 is 4 h of business time on Tuesday, so 17:00:30
    near(resumed.sla.onSite.dueAt, '2031-03-11T09:00:30.000Z', resumedFrom);
  });
});
