import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

type CallbackView = { id: string; kind: string; status: string; dueAt: string; assignee: { id: string; name: string } | null; team: string; phone: string | null; satisfied: boolean | null; resolved: boolean | null; attempts: unknown[] };

describe('follow-up calls (回访)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SURVEY_DELAY: 'PT1S', FOLLOWUP_DELAY: 'PT2S' } });
  });
  afterAll(() => app.close());

  async function solvedTicket(type: string, subject: string): Promise<number> {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject, body: 'The machine shows E24.', customer: { name: '王芳', phone: '+86 139 0000 2222', email: 'wang.fang@example.cn', locale: 'zh-CN' }, team: 'tech', type });
    expect(created.status).toBe(201);
    const n = created.body.number as number;
    await a1.post(`/api/tickets/${n}/messages`).send({ body: 'Clean the drain filter; that clears E24.' });
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' })).status).toBe(200);
    return n;
  }

  async function followUps(n: number): Promise<CallbackView[]> {
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.get(`/api/callbacks?ticketNumber=${n}&kind=follow_up`);
    expect(res.status).toBe(200);
    return res.body.callbacks;
  }

  it('gives a solved fault ticket a follow-up task for the agent who solved it, due after FOLLOWUP_DELAY', async () => {
    const a1Socket = await app.agentSocket('agent1@demo.local');
    const me = (await (await app.as('agent1@demo.local')).get('/api/auth/me')).body;
    const before = Date.now();
    const n = await solvedTicket('fault', 'Dishwasher E24');
    const due = nextEvent(a1Socket, 'callback:due', (p: CallbackView & { ticketNumber: number }) => p.ticketNumber === n, 20000);

    const [task] = await followUps(n);
    expect(task).toMatchObject({ kind: 'follow_up', status: 'scheduled', team: 'tech', phone: '+8613900002222' });
    expect(task.assignee?.id).toBe(me.id);
    const dueIn = new Date(task.dueAt).getTime() - before;
    expect(dueIn).toBeGreaterThanOrEqual(2000 - 50);
    expect(dueIn).toBeLessThan(2000 + 30_000);

    const event = await due;
    expect(event).toMatchObject({ id: task.id, kind: 'follow_up', status: 'due' });
    expect((await followUps(n))[0].status).toBe('due');
  });

  it('reopens the ticket when the customer says it is not solved, and records satisfaction', async () => {
    const n = await solvedTicket('complaint', 'Dryer still noisy');
    const [task] = await followUps(n);
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.post(`/api/callbacks/${task.id}/attempts`).send({ outcome: 'reached', resolved: false, satisfied: false, note: '还是很吵' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'done', resolved: false, satisfied: false });
    const ticket = await a1.get(`/api/tickets/${n}`);
    expect(ticket.body.status).toBe('open');

    // the reopen voided the survey still waiting for this solve
    const surveys = (await a1.get(`/api/surveys?ticket=${n}`)).body.surveys;
    expect(surveys.every((s: { status: string }) => s.status !== 'scheduled')).toBe(true);

    // solving again starts a new round with a fresh follow-up
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' })).status).toBe(200);
    const tasks = await followUps(n);
    expect(tasks.map((t) => t.status).sort()).toEqual(['done', 'scheduled']);
  });

  it('keeps a solved ticket solved when the follow-up confirms the fix, and records that the customer is satisfied', async () => {
    const n = await solvedTicket('warranty', 'Compressor replaced under warranty');
    const [task] = await followUps(n);
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.post(`/api/callbacks/${task.id}/attempts`).send({ outcome: 'reached', resolved: true, satisfied: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'done', resolved: true, satisfied: true });
    expect((await a1.get(`/api/tickets/${n}`)).body.status).toBe('solved');
  });

  it('retries an unanswered follow-up as callbacks do', async () => {
    const n = await solvedTicket('fault', 'Washer door seal');
    const [task] = await followUps(n);
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.post(`/api/callbacks/${task.id}/attempts`).send({ outcome: 'no_answer' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('scheduled');
    expect(res.body.attempts).toHaveLength(1);
  });

  it('reopening cancels the pending follow-up; an inquiry gets none', async () => {
    const n = await solvedTicket('fault', 'Oven heats unevenly');
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'pending' })).status).toBe(200);
    const [task] = await followUps(n);
    expect(task.status).toBe('cancelled');

    const inquiry = await solvedTicket('inquiry', 'Where is the manual?');
    expect(await followUps(inquiry)).toHaveLength(0);
  });

  it('closing a solved ticket keeps its follow-up', async () => {
    const n = await solvedTicket('fault', 'Fridge not cooling');
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'closed' })).status).toBe(200);
    const [task] = await followUps(n);
    expect(['scheduled', 'due']).toContain(task.status);
    await eventually(async () => (await followUps(n))[0].status === 'due', 20000);
  });
});
