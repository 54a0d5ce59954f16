import { MovableClock } from '../../src/infra/clock';
import type { CallbackService } from '../../src/modules/callbacks/callback.service';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

describe('callback tasks', () => {
  let app: TestApp;
  let callbacks: CallbackService;
  const clock = new MovableClock();
  beforeAll(async () => {
    app = await startTestApp({ clock, env: { CALLBACK_RETRY_DELAY: 'PT2S' } });
    callbacks = (app.c.modules.find((m) => m.name === 'callbacks') as unknown as { callbacks: CallbackService }).callbacks;
  });
  afterAll(() => app.close());

  const newTicket = async (phone: string, team = 'support') => {
    const a = await app.as('admin@demo.local');
    const res = await a.post('/api/tickets').send({ channel: 'voice', subject: `Call ${phone}`, body: 'Customer called', customer: { name: `Caller ${phone}`, phone }, team });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: number };
  };
  const timeline = async (number: number) => (await (await app.as('admin@demo.local')).get(`/api/tickets/${number}/messages`)).body.messages as { body: string }[];

  it('schedules a requested callback, tells the team when due, and retries no_answer until it fails and the supervisor is told', async () => {
    const t = await newTicket('+8613800001001');
    const agentSock = await app.agentSocket('agent1@demo.local');
    const supSock = await app.agentSocket('supervisor@demo.local');
    const a1 = await app.as('agent1@demo.local');

    const dueSoon = new Date(clock.now().getTime() + 1000).toISOString();
    const firstDue = nextEvent(agentSock, 'callback:due', (p) => p.ticketNumber === t.number, 15000);
    const created = await a1.post('/api/callbacks').send({ ticketNumber: t.number, dueAt: dueSoon, note: 'after 3 pm please' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'requested', status: 'scheduled', phone: '+8613800001001', team: 'support', ticketNumber: t.number });
    const id = created.body.id;
    const due = await firstDue;
    expect(due).toMatchObject({ id, ticketNumber: t.number, kind: 'requested', status: 'due', phone: '+8613800001001', team: 'support', attempts: [], assignee: null });

    for (let attempt = 1; attempt <= 2; attempt++) {
      const again = nextEvent(agentSock, 'callback:due', (p) => p.id === id && p.attempts.length === attempt, 15000);
      const res = await a1.post(`/api/callbacks/${id}/attempts`).send({ outcome: 'no_answer', note: `try ${attempt}` });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'scheduled', attempts: expect.any(Array) });
      expect(res.body.attempts).toHaveLength(attempt);
      expect(await again).toMatchObject({ status: 'due' }); // after CALLBACK_RETRY_DELAY (2 s here)
    }
    const failedEvent = nextEvent(supSock, 'callback:failed', (p) => p.id === id, 10000);
    const escalation = nextEvent(supSock, 'escalation', (p) => p.ticketNumber === t.number && p.target === 'callback', 10000);
    const third = await a1.post(`/api/callbacks/${id}/attempts`).send({ outcome: 'no_answer' });
    expect(third.body).toMatchObject({ status: 'failed', outcome: 'no_answer' });
    expect(third.body.attempts.map((x: { outcome: string }) => x.outcome)).toEqual(['no_answer', 'no_answer', 'no_answer']);
    expect(await failedEvent).toMatchObject({ id, status: 'failed' });
    expect(await escalation).toMatchObject({ ticketNumber: t.number, target: 'callback', kind: 'breach', level: 1 });
    const events = await timeline(t.number);
    expect(events.some((m) => m.body.startsWith('Callback (requested) failed after 3 attempt(s)'))).toBe(true);

    // a finished task takes no more attempts
    const late = await a1.post(`/api/callbacks/${id}/attempts`).send({ outcome: 'reached' });
    expect(late.status).toBe(409);
  });

  it('a worker restart between scheduling and due time still delivers callback:due, even if the job was lost', async () => {
    const sock = await app.agentSocket('agent1@demo.local');
    const a1 = await app.as('agent1@demo.local');
    for (const lose of [false, true]) {
      const t = await newTicket(`+86138000020${lose ? 1 : 0}2`);
      const created = await a1.post('/api/callbacks').send({ ticketNumber: t.number, dueAt: new Date(clock.now().getTime() + 60_000).toISOString() });
      expect(created.status).toBe(201);
      await app.stopWorkers();
      if (lose) await app.c.queues.remove('callbacks', `callback-due-${created.body.id}-0`);
      clock.advance(61_000); // past due while no worker runs
      const due = nextEvent(sock, 'callback:due', (p) => p.id === created.body.id, 15000);
      await app.startWorkers();
      expect(await due).toMatchObject({ id: created.body.id, status: 'due' });
    }
  });

  it('lists by team, status and kind, only within the agent\'s teams, and rejects bad input', async () => {
    const support = await newTicket('+8613800003003');
    const returns = await newTicket('+8613800003004', 'returns');
    await callbacks.create({ kind: 'missed_call', ticketId: support.id, team: 'support', phone: '+8613800003003', dueAt: new Date(clock.now().getTime() + 3_600_000) });
    await callbacks.create({ kind: 'missed_call', ticketId: returns.id, team: 'returns', phone: '+8613800003004', dueAt: new Date(clock.now().getTime() + 3_600_000) });
    const a1 = await app.as('agent1@demo.local');
    const a2 = await app.as('agent2@demo.local');
    const mine1 = (await a1.get('/api/callbacks?status=scheduled,due&kind=missed_call')).body.callbacks;
    expect(mine1.map((c: { team: string }) => c.team)).not.toContain('returns');
    expect(mine1.some((c: { ticketNumber: number }) => c.ticketNumber === support.number)).toBe(true);
    const mine2 = (await a2.get('/api/callbacks')).body.callbacks;
    expect(mine2.map((c: { ticketNumber: number }) => c.ticketNumber)).toContain(returns.number);
    expect(mine2.every((c: { team: string }) => ['complaints', 'returns'].includes(c.team))).toBe(true);
    expect((await a2.get('/api/callbacks?team=support')).status).toBe(403);
    expect((await a1.get('/api/callbacks?status=bogus')).status).toBe(400);
    const [other] = (await a2.get(`/api/callbacks?ticketNumber=${returns.number}`)).body.callbacks;
    expect((await a1.post(`/api/callbacks/${other.id}/attempts`).send({ outcome: 'reached' })).status).toBe(404);
    expect((await a2.post(`/api/callbacks/${other.id}/attempts`).send({ outcome: 'maybe' })).status).toBe(400);
    expect((await a2.post(`/api/callbacks/${other.id}/attempts`).send({ outcome: 'reached', extra: 1 })).status).toBe(400);
    expect((await a2.post('/api/callbacks/0123456789abcdef01234567/attempts').send({ outcome: 'reached' })).status).toBe(404);
    expect((await a1.post('/api/callbacks').send({ ticketNumber: returns.number, dueAt: new Date().toISOString() })).status).toBe(404);
    expect((await a1.post('/api/callbacks').send({ ticketNumber: support.number, dueAt: 'tomorrow' })).status).toBe(400);
    const wrong = await a2.post(`/api/callbacks/${other.id}/attempts`).send({ outcome: 'wrong_number', note: 'number belongs to a bakery' });
    expect(wrong.body).toMatchObject({ status: 'failed', outcome: 'wrong_number', note: 'number belongs to a bakery' });
  });

  it('a follow-up reached with resolved:false reopens the solved ticket and records satisfaction', async () => {
    const t = await newTicket('+8613800004005');
    const admin = await app.as('admin@demo.local');
    expect((await admin.patch(`/api/tickets/${t.number}`).send({ status: 'solved' })).status).toBe(200);
    const cb = await callbacks.create({ kind: 'follow_up', ticketId: t.id, team: 'support', phone: '+8613800004005', dedupeKey: `followup-test-${t.id}` });
    const same = await callbacks.create({ kind: 'follow_up', ticketId: t.id, team: 'support', phone: '+8613800004005', dedupeKey: `followup-test-${t.id}` });
    expect(String(same._id)).toBe(String(cb._id));
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.post(`/api/callbacks/${cb._id}/attempts`).send({ outcome: 'reached', satisfied: false, resolved: false, note: 'still leaking' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'done', kind: 'follow_up', satisfied: false, resolved: false, outcome: 'reached' });
    await eventually(async () => (await admin.get(`/api/tickets/${t.number}`)).body.status === 'open');
  });

  it('assigns a callback only to an active agent of the ticket\'s team', async () => {
    const t = await newTicket('+8613800006006'); // support
    const admin = await app.as('admin@demo.local');
    const id = async (email: string) => String((await app.c.models.Agent.findOne({ email }))!._id);
    const at = new Date(clock.now().getTime() + 3600_000).toISOString();
    const ask = (assigneeId: string) => admin.post('/api/callbacks').send({ ticketNumber: t.number, dueAt: at, assigneeId });
    const otherTeam = await ask(await id('agent2@demo.local')); // complaints and returns
    expect(otherTeam.status).toBe(400);
    expect(otherTeam.body.error.message).toContain('does not work in team support');
    const left = await admin.post('/api/agents').send({ name: 'Left Us', email: 'left.us@demo.local', password: 'a-good-password', role: 'agent', teams: ['support'] });
    await admin.patch(`/api/agents/${left.body.id}`).send({ active: false });
    expect((await ask(left.body.id)).status).toBe(400);
    expect((await ask('0123456789abcdef01234567')).status).toBe(400);
    expect(await callbacks.Callback.countDocuments({ ticketNumber: t.number })).toBe(0); // nothing was scheduled
    const ok = await ask(await id('agent1@demo.local'));
    expect(ok.status).toBe(201);
    expect(ok.body.assignee.name).toBe('Chen Jie (陈杰)');
  });
});
