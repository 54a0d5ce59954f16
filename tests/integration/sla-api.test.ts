import type { MovableClock } from '../../src/infra/clock';
import type { SlaService } from '../../src/modules/sla/sla.service';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

const H = 3600_000;

/** SLA policies and calendars over the API, the seeded department defaults, edits that move live deadlines, the sweeper. */
describe('SLA policies, calendars and the sweeper', () => {
  let app: TestApp;
  let sla: SlaService;
  beforeAll(async () => {
    app = await startTestApp();
    sla = (app.c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
  });
  afterAll(() => app.close());

  const ticket = async (fields: object) => {
    const res = await (await app.as('admin@demo.local')).post('/api/tickets').send({ channel: 'email', subject: 'Dryer will not start', body: 'Nothing happens when I press start', customer: { name: 'Lin Yu', email: 'lin.yu@example.cn' }, team: 'support', ...fields });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('lists the seeded department defaults in order; agents may read, only managers write', async () => {
    const agent = await app.as('agent1@demo.local');
    const list = await agent.get('/api/sla-policies');
    expect(list.status).toBe(200);
    expect(list.body.policies.map((p: { name: string }) => p.name)).toEqual(['Urgent complaints', 'Emergency (24x7)', 'Complaints', 'Faults', 'General inquiries']);
    expect(list.body.policies[3]).toMatchObject({ match: { type: 'fault' }, targets: { firstResponse: 'PT1H', resolution: 'P2D' }, calendar: 'business-hours' });
    expect((await agent.post('/api/sla-policies').send({ name: 'x', order: 1, targets: { firstResponse: 'PT1H' } })).status).toBe(403);
    const cals = await agent.get('/api/calendars');
    expect(cals.body.calendars[0]).toMatchObject({ name: 'business-hours', timeZone: 'Asia/Shanghai' });
    expect(cals.body.calendars[0].weekly).toContainEqual({ day: 1, from: '13:30', to: '18:00' });
  });

  it('refuses bad durations, unknown calendars and bad calendars with 4xx, changing nothing', async () => {
    const mgr = await app.as('manager@demo.local');
    const base = { name: 'bad', order: 5, match: {}, targets: { firstResponse: 'PT1H' } };
    for (const body of [
      { ...base, targets: { firstResponse: '1 hour' } },
      { ...base, targets: { resolution: 'P1M' } },
      { ...base, targets: {} },
      { ...base, calendar: 'nope' },
      { ...base, match: { priority: 'asap' } },
      { ...base, extra: true },
    ]) {
      const res = await mgr.post('/api/sla-policies').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await mgr.post('/api/sla-policies').send({ ...base, name: 'General inquiries' })).status).toBe(409);
    expect((await mgr.put('/api/sla-policies/aaaaaaaaaaaaaaaaaaaaaaaa').send(base)).status).toBe(404);
    const cal = { name: 'night-shift', timeZone: 'Asia/Shanghai', weekly: [{ day: 1, from: '18:00', to: '24:00' }] };
    expect((await mgr.post('/api/calendars').send({ ...cal, timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await mgr.post('/api/calendars').send({ ...cal, weekly: [{ day: 1, from: '18:00', to: '09:00' }] })).status).toBe(400);
    expect((await mgr.post('/api/calendars').send({ ...cal, weekly: [] })).status).toBe(400);
    expect((await (await app.as('supervisor@demo.local')).post('/api/calendars').send(cal)).status).toBe(403);
    expect((await mgr.post('/api/calendars').send(cal)).status).toBe(201);
    expect((await mgr.post('/api/calendars').send(cal)).status).toBe(409);
    expect((await app.as('manager@demo.local')).token).toBeTruthy();
    expect((await mgr.get('/api/sla-policies')).body.policies.some((p: { name: string }) => p.name === 'bad')).toBe(false);
  });

  it('alerts the manager at once about an urgent complaint and applies the emergency policy to other urgent tickets', async () => {
    const manager = await app.agentSocket('manager@demo.local');
    const alert = nextEvent(manager, 'escalation', (e: { level: number }) => e.level === 2, 10_000);
    const complaint = await ticket({ type: 'complaint', priority: 'urgent', team: 'complaints', subject: 'Third failed repair, want a refund' });
    expect(complaint.sla).toMatchObject({ policy: 'Urgent complaints', escalationLevel: 2, firstResponse: { status: 'active' } });
    expect(Date.parse(complaint.sla.firstResponse.dueAt) - Date.parse(complaint.createdAt)).toBeGreaterThan(24 * H - 5000);
    expect(await alert).toMatchObject({ ticketNumber: complaint.number, kind: 'warning', level: 2, target: 'firstResponse' });

    const emergency = await ticket({ priority: 'urgent', type: 'fault' });
    expect(emergency.sla.policy).toBe('Emergency (24x7)');
    expect(Date.parse(emergency.sla.resolution.dueAt) - Date.parse(emergency.createdAt)).toBeGreaterThan(4 * H - 5000);
    expect(Date.parse(emergency.sla.resolution.dueAt) - Date.parse(emergency.createdAt)).toBeLessThan(4 * H + 5000);
  });

  it('re-applies on a priority change without forgetting the time spent, and a policy edit moves live deadlines', async () => {
    const mgr = await app.as('manager@demo.local');
    const created = await mgr.post('/api/sla-policies').send({ name: 'returns high', order: 2, match: { type: 'return', priority: 'high' }, targets: { firstResponse: 'PT30M' } });
    expect(created.status).toBe(201);
    const t = await ticket({ type: 'return', team: 'returns' });
    expect(t.sla.policy).toBe('General inquiries');
    (app.clock as MovableClock).advance(10 * 60_000); // ten minutes pass before someone raises the priority
    const raised = await mgr.patch(`/api/tickets/${t.number}`).send({ priority: 'high' });
    expect(raised.body.sla.policy).toBe('returns high');
    const left = Date.parse(raised.body.sla.firstResponse.dueAt) - app.clock.now().getTime();
    expect(left).toBeGreaterThan(19 * 60_000); // 30 min target, about 10 already spent (on the business calendar maybe less)
    expect(left).toBeLessThanOrEqual(30 * 60_000);

    const edited = await mgr.put(`/api/sla-policies/${created.body.id}`).send({ name: 'returns high', order: 2, match: { type: 'return', priority: 'high' }, targets: { firstResponse: 'PT1H30M' } });
    expect(edited.status).toBe(200);
    const moved = await eventually(async () => {
      const view = await mgr.get(`/api/tickets/${t.number}`);
      const due = Date.parse(view.body.sla.firstResponse.dueAt);
      return due - Date.parse(raised.body.sla.firstResponse.dueAt) > 59 * 60_000 ? due : null;
    }, 10_000);
    expect(moved - Date.parse(raised.body.sla.firstResponse.dueAt)).toBeLessThan(61 * 60_000); // one more hour, nothing spent forgotten
  });

  it('a calendar edit moves the deadlines of live tickets measured on it', async () => {
    const mgr = await app.as('manager@demo.local');
    const always = { timeZone: 'UTC', weekly: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: '00:00', to: '24:00' })) };
    expect((await mgr.post('/api/calendars').send({ name: 'always', ...always })).status).toBe(201);
    expect((await mgr.post('/api/sla-policies').send({ name: 'warranty on calendar', order: 3, match: { type: 'warranty' }, targets: { resolution: 'PT2H' }, calendar: 'always' })).status).toBe(201);
    const t = await ticket({ type: 'warranty' });
    const due = Date.parse(t.sla.resolution.dueAt);
    expect(due - Date.parse(t.createdAt)).toBeGreaterThan(2 * H - 5000);
    // today and tomorrow become holidays: the remaining two hours move to the day after tomorrow
    const day = (n: number) => new Date(app.clock.now().getTime() + n * 24 * H).toISOString().slice(0, 10);
    const put = await mgr.put('/api/calendars/always').send({ ...always, holidays: [{ date: day(0) }, { date: day(1) }] });
    expect(put.status).toBe(200);
    const after = await eventually(async () => {
      const v = await mgr.get(`/api/tickets/${t.number}`);
      return v.body.sla.resolution.dueAt !== t.sla.resolution.dueAt ? Date.parse(v.body.sla.resolution.dueAt) : null;
    }, 10_000);
    const reopening = Date.parse(`${day(2)}T00:00:00Z`);
    expect(after).toBeGreaterThan(reopening + 2 * H - 60_000); // nearly all of the two hours remain
    expect(after).toBeLessThanOrEqual(reopening + 2 * H);
  });

  it('the sweeper re-creates a lost timer and fires one that is overdue', async () => {
    const mgr = await app.as('manager@demo.local');
    expect((await mgr.post('/api/sla-policies').send({ name: 'chat 40s', order: 4, match: { channel: 'chat' }, targets: { firstResponse: 'PT40S' } })).status).toBe(201);
    const t = await ticket({ channel: 'chat' });
    const key = `${app.c.config.queuePrefix}:due:sla`;
    const at = (await app.c.models.Ticket.findById(t.id).lean())!.sla!.nextCheckAt!.getTime();
    expect(Number(await app.c.redis.zscore(key, t.id))).toBe(at);
    await app.c.redis.zrem(key, t.id); // Redis restored from an older snapshot (without the timer, nor the marker of the last repair)
    await app.c.redis.del(`${key}:repaired`);
    await sla.sweep();
    expect(Number(await app.c.redis.zscore(key, t.id))).toBe(at);

    await app.c.redis.zrem(key, t.id);
    await app.c.redis.del(`${key}:repaired`);
    (app.clock as MovableClock).advance(60_000); // overdue with no timer at all
    const res = await sla.sweep();
    expect(res.fired).toBeGreaterThanOrEqual(1);
    const view = await mgr.get(`/api/tickets/${t.number}`);
    expect(view.body.sla.firstResponse.status).toBe('breached');
    expect(view.body.sla.escalationLevel).toBe(1);
    await sla.sweep(); // idempotent: no second breach
    const stored = (await app.c.models.Ticket.findOne({ number: t.number }).lean())!.sla!;
    expect(stored.escalations.filter((e) => e.kind === 'breach')).toHaveLength(1);
  });
  it('the sweeper reads live tickets from its due set, and rebuilds the set from MongoDB when Redis lost it', async () => {
    const mgr = await app.as('manager@demo.local');
    expect((await mgr.post('/api/sla-policies').send({ name: 'voice 40s', order: 5, match: { channel: 'voice' }, targets: { firstResponse: 'PT40S' } })).status).toBe(201);
    const t = await ticket({ channel: 'voice', customer: { name: 'Wu Fang', phone: '+8613800000042' } });
    const key = `${app.c.config.queuePrefix}:due:sla`;
    const due = Number(await app.c.redis.zscore(key, t.id));
    const stored = (await app.c.models.Ticket.findById(t.id).lean())!.sla!;
    expect(due).toBe(stored.nextCheckAt!.getTime()); // written with the SLA state

    // Redis lost (an older snapshot): no timer entry, no marker of the last repair
    await app.c.redis.zrem(key, t.id);
    await app.c.redis.del(`${key}:repaired`);
    (app.clock as MovableClock).advance(60_000);
    await sla.sweep();
    const view = await mgr.get(`/api/tickets/${t.number}`);
    expect(view.body.sla.firstResponse.status).toBe('breached');

    // a solved ticket leaves the set
    expect((await mgr.patch(`/api/tickets/${t.number}`).send({ status: 'solved' })).status).toBe(200);
    await eventually(async () => (await app.c.redis.zscore(key, t.id)) === null, 10_000);
  });
});
