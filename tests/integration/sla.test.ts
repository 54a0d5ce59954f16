import type { Socket } from 'socket.io-client';
import { MovableClock } from '../../src/infra/clock';
import type { SlaService } from '../../src/modules/sla/sla.service';
import { eventually, nextEvent, startTestApp } from '../helpers/harness';
import { buildCustomer, buildPolicy, buildTicketBody } from '../builders/ticket';

type Escalation = { id: string; ticketNumber: number; target: string; kind: 'warning' | 'breach'; level: number; dueAt: string };

type SlaHandle = Pick<SlaService, 'check' | 'sweep'>;

/** One Aftercare with the helpers of these scenarios; `clock` is the app's own (movable) clock. */
async function slaScenario() {
  const clock = new MovableClock();
  const app = await startTestApp({ clock, env: { SLA_ESCALATION_STEP: 'PT2S' } });
  const supervisor = await app.agentSocket('supervisor@demo.local');
  const manager = await app.agentSocket('manager@demo.local');
  const policy = async (name: string, match: Record<string, string>, targets: Record<string, string>) => {
    const res = await (await app.as('manager@demo.local')).post('/api/sla-policies').send(buildPolicy({ name, match, targets }));
    expect(res.status).toBe(201);
    return res.body;
  };
  const ticket = async (fields: Parameters<typeof buildTicketBody>[0]) => {
    const res = await (await app.as('agent1@demo.local')).post('/api/tickets').send(buildTicketBody({ customer: buildCustomer({ name: 'Wu Hao', phone: '+86 139 1111 2222' }), ...fields }));
    expect(res.status).toBe(201);
    return res.body;
  };
  const stored = async (number: number) => (await app.c.models.Ticket.findOne({ number }).lean())!.sla!;
  const escalationsOf = (socket: Socket, number: number) => {
    const seen: Escalation[] = [];
    socket.on('escalation', (e: Escalation) => e.ticketNumber === number && seen.push(e));
    return seen;
  };
  const sla = () => (app.c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaHandle }).sla;
  /** the ticket's timer: its score in the SLA timer set (null: none) */
  const timer = async (ticketId: string) => {
    const score = await app.c.redis.zscore(`${app.c.config.queuePrefix}:due:sla`, ticketId);
    return score === null ? null : Number(score);
  };
  return { app, clock, supervisor, manager, policy, ticket, stored, escalationsOf, sla, timer };
}

/**
 * SLA timers on real Redis (the workers' timer loop over the timer set): breaches fire on time and reach the right people, and a
 * restart of the workers loses nothing. These wait for real deadlines (seconds long).
 */
describe('SLA timers and escalations on real time', () => {
  let s: Awaited<ReturnType<typeof slaScenario>>;
  let slow: { number: number; dueAt: string; escalation: Promise<Escalation> };

  beforeAll(async () => {
    s = await slaScenario();
    // The PT20S ticket runs while the shorter scenarios below play out; its assertions come last.
    await s.policy('urgent warranty 20s', { priority: 'urgent', type: 'warranty' }, { firstResponse: 'PT20S' });
    const t = await s.ticket({ type: 'warranty', priority: 'urgent', subject: 'Freezer stopped, food spoiling' });
    expect(t.sla).toMatchObject({ policy: 'urgent warranty 20s', firstResponse: { status: 'active' }, escalationLevel: 0 });
    slow = { number: t.number, dueAt: t.sla.firstResponse.dueAt, escalation: nextEvent<Escalation>(s.supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 40_000) };
  });
  afterAll(() => s.app.close());

  it('fires the breach on time although the workers were stopped and restarted mid-wait', async () => {
    await s.policy('web warranty 5s', { priority: 'normal', type: 'warranty', channel: 'web' }, { firstResponse: 'PT5S' });
    const t = await s.ticket({ type: 'warranty', channel: 'web' });
    const breach = nextEvent<Escalation>(s.supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 20_000);
    await s.app.stopWorkers();
    // a deploy: nobody is processing, and the timer waits in Redis, not in a process
    expect(await s.timer(t.id)).toBe((await s.stored(t.number)).nextCheckAt!.getTime());
    await s.app.startWorkers();
    expect(await breach).toMatchObject({ target: 'firstResponse', level: 1, dueAt: t.sla.firstResponse.dueAt });
    const sla = await s.stored(t.number);
    expect(sla.firstResponse!.status).toBe('breached');
    expect(sla.firstResponse!.breachedAt!.getTime() - Date.parse(t.sla.firstResponse.dueAt)).toBeLessThan(1000);
  });

  it('escalates to the manager after the step, mails each in their language, and a supervisor acknowledges', async () => {
    await s.policy('email warranty 3s', { priority: 'normal', type: 'warranty', channel: 'email' }, { firstResponse: 'PT3S' });
    const t = await s.ticket({ type: 'warranty', channel: 'email' });
    const level1 = nextEvent<Escalation>(s.supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach' && e.level === 1, 15_000);
    const level2 = nextEvent<Escalation>(s.manager, 'escalation', (e) => e.ticketNumber === t.number && e.level === 2, 20_000);
    const first = await level1;
    const second = await level2;
    expect(second).toMatchObject({ kind: 'breach', target: 'firstResponse' });

    const sla = await s.stored(t.number);
    expect(sla.escalationLevel).toBeGreaterThanOrEqual(2);
    const supervisorId = (await s.app.c.models.Agent.findOne({ email: 'supervisor@demo.local' }))!._id;
    const mail = await s.app.c.queues.get('mail-out').getJob(`sla-mail-${first.id}-${supervisorId}`);
    expect(mail?.data).toMatchObject({ to: 'supervisor@demo.local', template: 'sla-escalation', locale: 'zh-CN' });
    // the mail names the team in the reader's language, and the level by who it reaches
    const team = (await s.app.c.models.Team.findOne({ key: (await s.app.c.tickets.byNumber(t.number)).team }).lean())!;
    expect(mail!.data.data.teamName).toBe(team.nameZh);
    const text = s.app.c.templates.renderMail('sla-escalation', 'zh-CN', mail!.data.data).text;
    expect(text).toContain(team.nameZh);
    expect(text).toContain('已升级至主管');
    expect(text).not.toMatch(/第 \d 级/);

    const sup = await s.app.as('supervisor@demo.local');
    const agent = await s.app.as('agent1@demo.local');
    expect((await agent.post(`/api/tickets/${t.number}/escalations/${first.id}/ack`)).status).toBe(403);
    const ack = await sup.post(`/api/tickets/${t.number}/escalations/${first.id}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: first.id, level: 1, acknowledgedBy: String(supervisorId) });
    expect((await sup.post(`/api/tickets/${t.number}/escalations/aaaaaaaaaaaaaaaaaaaaaaaa/ack`)).status).toBe(404);

    const feed = await sup.get('/api/escalations?limit=200');
    expect(feed.status).toBe(200);
    const mine = feed.body.escalations.filter((e: { ticketNumber: number }) => e.ticketNumber === t.number);
    expect(mine.find((e: { id: string }) => e.id === first.id).acknowledgedAt).not.toBeNull();
    const other = await (await s.app.as('agent2@demo.local')).get('/api/escalations?limit=200');
    expect(other.body.escalations.some((e: { ticketNumber: number }) => e.ticketNumber === t.number)).toBe(false); // not agent2's team
  });

  it('an urgent ticket under a PT20S first-response policy is breached within a second of its deadline', async () => {
    const e = await slow.escalation;
    expect(e).toMatchObject({ ticketNumber: slow.number, target: 'firstResponse', kind: 'breach', level: 1, dueAt: slow.dueAt });
    const sla = await s.stored(slow.number);
    expect(sla.firstResponse!.status).toBe('breached');
    const late = sla.firstResponse!.breachedAt!.getTime() - Date.parse(slow.dueAt);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1000);
    const view = await (await s.app.as('supervisor@demo.local')).get(`/api/tickets/${slow.number}`);
    expect(view.body.sla.firstResponse.status).toBe('breached');
    const queue = await eventually(async () => {
      const q = await (await s.app.as('supervisor@demo.local')).get('/api/queue?team=support&limit=100');
      return q.body.items.find((i: { number: number; slaStatus: string }) => i.number === slow.number && i.slaStatus === 'breached');
    });
    expect(queue.dueAt).toBe(slow.dueAt);
  });
});

/**
 * SLA state on a moved clock: replies meet targets and pauses move deadlines, however much time
 * passes, proved by running the evaluator on the moved clock instead of waiting.
 */
describe('SLA state on a moved clock', () => {
  let s: Awaited<ReturnType<typeof slaScenario>>;
  beforeAll(async () => {
    s = await slaScenario();
  });
  afterAll(() => s.app.close());

  it('a reply before the deadline leaves the target hit and nothing escalates, however late it gets', async () => {
    await s.policy('high warranty 4s', { priority: 'high', type: 'warranty' }, { firstResponse: 'PT4S' });
    const t = await s.ticket({ type: 'warranty', priority: 'high' });
    const seen = s.escalationsOf(s.supervisor, t.number);
    const reply = await (await s.app.as('agent1@demo.local')).post(`/api/tickets/${t.number}/messages`).send({ body: 'An engineer will call you within the hour.' });
    expect(reply.status).toBe(201);
    const fresh = await (await s.app.as('agent1@demo.local')).get(`/api/tickets/${t.number}`);
    expect(fresh.body.sla.firstResponse).toEqual({ status: 'hit', dueAt: t.sla.firstResponse.dueAt });
    expect(await s.timer(t.id)).toBeNull();
    // an hour past the deadline, the evaluator and the sweeper (what any timer or repair runs) find nothing due
    s.clock.advance(3600_000);
    expect(await s.sla().check(t.id)).toMatchObject({ events: 0 });
    await s.sla().sweep();
    expect(seen).toEqual([]);
    expect((await s.stored(t.number)).firstResponse!.status).toBe('hit');
    expect((await s.stored(t.number)).escalations).toEqual([]);
  });

  it('pending pauses the clock, the deadline moves by the paused time, and an internal note is no response', async () => {
    await s.policy('low warranty 8s', { priority: 'low', type: 'warranty' }, { firstResponse: 'PT8S' });
    const t = await s.ticket({ type: 'warranty', priority: 'low' });
    const a1 = await s.app.as('agent1@demo.local');
    const paused = await a1.patch(`/api/tickets/${t.number}`).send({ status: 'pending' });
    expect(paused.status).toBe(200);
    expect(paused.body.sla.firstResponse).toEqual({ status: 'paused', dueAt: null });
    expect(await s.timer(t.id)).toBeNull();
    const pausedAt = (await s.stored(t.number)).pausedAt!.getTime();
    s.clock.advance(2 * 3600_000); // two hours waiting for the customer
    const resuming = s.clock.now().getTime();
    const resumed = await a1.patch(`/api/tickets/${t.number}`).send({ status: 'open' });
    const resumedAt = s.clock.now().getTime();
    const moved = Date.parse(resumed.body.sla.firstResponse.dueAt) - Date.parse(t.sla.firstResponse.dueAt);
    expect(resumed.body.sla.firstResponse.status).toBe('active');
    expect(moved).toBeGreaterThanOrEqual(resuming - pausedAt);
    expect(moved).toBeLessThanOrEqual(resumedAt - pausedAt);

    await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'Customer sounds upset', internal: true });
    expect((await a1.get(`/api/tickets/${t.number}`)).body.sla.firstResponse.status).toBe('active');
    const breach = await nextEvent<Escalation>(s.supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 20_000);
    expect(breach.dueAt).toBe(resumed.body.sla.firstResponse.dueAt);
  });
});
