import { SYSTEM } from '../../src/core/types';
import { startTestApp, TestApp } from '../helpers/harness';

/** Ticket lists with filters, orders and paging, and saved views with their counts. */
describe('ticket lists and saved views', () => {
  let app: TestApp;
  const numbers: Record<string, number> = {};
  beforeAll(async () => {
    app = await startTestApp();
    const make = async (key: string, t: Partial<Parameters<TestApp['c']['tickets']['create']>[0]>) => {
      const { ticket } = await app.c.tickets.create(
        { channel: 'email', subject: `views ${key}`, team: 'support', customer: { name: `Customer ${key}`, email: `${key}@example.com` }, message: { channel: 'email', body: `body ${key}`, author: { type: 'customer', name: key } }, ...t },
        SYSTEM,
      );
      numbers[key] = ticket.number;
    };
    await make('low', { priority: 'low', type: 'inquiry' });
    await make('urgent', { priority: 'urgent', type: 'fault' });
    await make('tech', { team: 'tech', priority: 'high', type: 'fault', channel: 'voice' });
    await make('returns', { team: 'returns', type: 'return' });
    await make('solved', { type: 'warranty' });
    const admin = await app.as('admin@demo.local');
    await admin.patch(`/api/tickets/${numbers.solved}`).send({ status: 'solved' });
  });
  afterAll(() => app?.close());

  const subjects = (body: { tickets: { subject: string }[] }) => body.tickets.map((t) => t.subject.replace('views ', '')).filter((s) => Object.keys(numbers).includes(s));

  it('filters live tickets from the live index by status, type, priority, channel and team, in the order asked', async () => {
    const a1 = await app.as('agent1@demo.local');
    const live = await a1.get('/api/tickets?status=new,open&type=fault&sort=priority');
    expect(live.status).toBe(200);
    expect(subjects(live.body)).toEqual(['urgent', 'tech']);
    expect((await a1.get('/api/tickets?status=new&priority=low')).body.tickets.map((t: { number: number }) => t.number)).toContain(numbers.low);
    expect(subjects((await a1.get('/api/tickets?status=new&channel=voice')).body)).toEqual(['tech']);
    // agent1 works support and tech: the returns ticket never shows, whatever the filter
    expect(subjects((await a1.get('/api/tickets?status=new&type=return')).body)).toEqual([]);
    expect((await a1.get('/api/tickets?status=new&team=returns')).status).toBe(403);
  });

  it('pages with a cursor in every order, without repeats or gaps', async () => {
    const admin = await app.as('admin@demo.local');
    for (const sort of ['newest', 'oldest', 'priority', 'due']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page: { body: { tickets: { number: number }[]; nextCursor: string | null } } = await admin.get(`/api/tickets?status=new,open&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.body.tickets.map((t) => t.number));
        cursor = page.body.nextCursor;
        if (!cursor) break;
      }
      const all = (await admin.get(`/api/tickets?status=new,open&limit=100&sort=${sort}`)).body.tickets.map((t: { number: number }) => t.number);
      expect([sort, seen]).toEqual([sort, all]);
      expect(new Set(seen).size).toBe(seen.length);
    }
    const bySolved = await admin.get('/api/tickets?status=solved&sort=oldest&limit=1');
    expect(bySolved.body.sort).toBe('oldest');
  });

  it('finds solved tickets and date ranges in the store', async () => {
    const a1 = await app.as('agent1@demo.local');
    const solved = await a1.get('/api/tickets?status=solved,closed');
    expect(subjects(solved.body)).toEqual(['solved']);
    const today = new Date().toISOString().slice(0, 10);
    const future = await a1.get(`/api/tickets?createdFrom=2999-01-01`);
    expect(future.body.tickets).toEqual([]);
    const since = await a1.get(`/api/tickets?createdFrom=${today}&type=warranty`);
    expect(subjects(since.body)).toEqual(['solved']);
    expect((await a1.get('/api/tickets?createdFrom=yesterday')).status).toBe(400);
    expect((await a1.get('/api/tickets?sort=sideways')).status).toBe(400);
  });

  it('saves personal and team views, counts them, and keeps them to who may see them', async () => {
    const a1 = await app.as('agent1@demo.local');
    const sup = await app.as('supervisor@demo.local');
    const a2 = await app.as('agent2@demo.local');
    const mine = await a1.post('/api/views').send({ name: 'Urgent faults', filters: { status: 'new,open,pending', type: 'fault', priority: 'urgent,high' }, sort: 'due' });
    expect(mine.status).toBe(201);
    expect((await a1.post('/api/views').send({ name: 'Urgent faults', filters: {} })).status).toBe(409);
    const badFilter = await a1.post('/api/views').send({ name: 'Bad', filters: { status: 'done' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details[0].path).toBe('filters.status.0');
    expect((await a1.post('/api/views').send({ name: 'Team view', scope: 'team', team: 'support', filters: {} })).status).toBe(403);
    const team = await sup.post('/api/views').send({ name: 'Solved in support', scope: 'team', team: 'support', filters: { status: 'solved', team: 'support' } });
    expect(team.status).toBe(201);

    const listed = await a1.get('/api/views?counts=true');
    const byName = Object.fromEntries(listed.body.views.map((v: { name: string }) => [v.name, v]));
    const expected = (await a1.get('/api/tickets?status=new,open,pending&type=fault&priority=urgent,high&limit=100')).body.tickets.length;
    expect(expected).toBeGreaterThanOrEqual(2);
    expect(byName['Urgent faults']).toMatchObject({ scope: 'personal', count: expected, countCapped: false });
    expect(byName['Solved in support']).toMatchObject({ scope: 'team', team: 'support', count: 1 });
    // the view's filters open the same list
    const opened = await a1.get(`/api/tickets?${new URLSearchParams(byName['Urgent faults'].filters)}&sort=due`);
    expect(subjects(opened.body).sort()).toEqual(['tech', 'urgent']);

    // the views every agent has, counted the same way
    expect(byName.mine).toMatchObject({ scope: 'builtin', nameKey: 'views.builtin.mine', filters: { status: 'new,open,pending,on_hold', assignee: 'me' } });
    expect(byName.solved.count).toBe((await a1.get('/api/tickets?status=solved,closed&limit=100')).body.tickets.length);
    const other = (await a2.get('/api/views')).body.views.map((v: { name: string }) => v.name);
    expect(other).not.toContain('Urgent faults');
    expect(other).not.toContain('Solved in support');
    expect((await a2.delete(`/api/views/${mine.body.id}`)).status).toBe(404);
    const renamed = await a1.put(`/api/views/${mine.body.id}`).send({ name: 'Hot faults', filters: { status: 'new', type: 'fault' }, sort: 'priority' });
    expect(renamed.body).toMatchObject({ name: 'Hot faults', sort: 'priority' });
    expect((await a1.delete(`/api/views/${mine.body.id}`)).status).toBe(204);
    expect((await (await app.as('admin@demo.local')).get('/api/settings/audit?entity=view')).body.entries.map((e: { action: string }) => e.action)).toEqual(['created']);
  });

  it('saves a view of a custom field, counts it and opens the same list', async () => {
    const manager = await app.as('manager@demo.local');
    expect((await manager.post('/api/fields').send({ key: 'fault_code', label: { en: 'Fault code', 'zh-CN': '故障码' }, type: 'select', options: ['E4', 'E7'] })).status).toBe(201);
    const a1 = await app.as('agent1@demo.local');
    const live = (await a1.get('/api/tickets?status=new,open,pending,on_hold&limit=2')).body.tickets as { number: number }[];
    expect(live).toHaveLength(2);
    expect((await a1.patch(`/api/tickets/${live[0].number}`).send({ fields: { fault_code: 'E4' } })).status).toBe(200);
    expect((await a1.patch(`/api/tickets/${live[1].number}`).send({ fields: { fault_code: 'E7' } })).status).toBe(200);

    const view = await a1.post('/api/views').send({ name: 'E4 faults', filters: { status: 'new,open,pending,on_hold', 'fields.fault_code': 'E4' } });
    expect(view.status).toBe(201);
    expect(view.body.filters).toEqual({ status: 'new,open,pending,on_hold', 'fields.fault_code': 'E4' });
    const counted = (await a1.get('/api/views?counts=true')).body.views.find((v: { name: string }) => v.name === 'E4 faults');
    expect(counted.count).toBe(1);
    const opened = await a1.get(`/api/tickets?${new URLSearchParams(counted.filters)}`);
    expect(opened.body.tickets.map((t: { number: number }) => t.number)).toEqual([live[0].number]);

    // what is not a filter of the list is refused, and saves nothing
    for (const filters of [{ 'fields.Bad-Key': 'x' }, { fault_code: 'E4' }, { sort: 'due' }, { 'fields.fault_code': 'x'.repeat(201) }]) {
      const bad = await a1.post('/api/views').send({ name: `Bad ${Object.keys(filters)[0]}`, filters });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    expect((await a1.get('/api/views')).body.views.filter((v: { name: string }) => v.name.startsWith('Bad'))).toEqual([]);
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/openapi.json')).body;
    for (const path of ['/api/views', '/api/views/{id}', '/api/tickets/{number}/attachments', '/api/chat/attachments', '/api/sla-policies/preview', '/api/sla-policies/order', '/api/calendars/{name}/days', '/api/settings/voice', '/api/settings/audit', '/api/auth/password', '/api/agents/{id}/password-reset']) {
      expect([path, !!doc.paths[path]]).toEqual([path, true]);
    }
    expect(Object.keys(doc.paths['/api/tickets/{number}/attachments'].post.requestBody.content)).toEqual(['application/octet-stream']);
    expect(doc.paths['/api/tickets'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['type', 'priority', 'sla', 'createdFrom', 'sort']));
  });

  it('opens the customer\'s earlier tickets from the customer panel', async () => {
    const admin = await app.as('admin@demo.local');
    const { ticket } = await app.c.tickets.create({ channel: 'chat', subject: 'views again', team: 'support', customer: { name: 'Customer solved', email: 'solved@example.com' }, message: { channel: 'chat', body: 'again', author: { type: 'customer', name: 'x' } } }, SYSTEM);
    const panel = await admin.get(`/api/tickets/${ticket.number}/customer`);
    expect(panel.body.tickets).toEqual([expect.objectContaining({ number: numbers.solved, status: 'solved', type: 'warranty' })]);
  });
});
