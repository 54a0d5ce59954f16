import { nextEvent, startTestApp, TestApp } from '../helpers/harness';

describe('tickets API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('logs in every demo role and refuses a wrong password', async () => {
    for (const [email, role] of [['admin@demo.local', 'admin'], ['manager@demo.local', 'manager'], ['supervisor@demo.local', 'supervisor'], ['agent1@demo.local', 'agent'], ['agent2@demo.local', 'agent']]) {
      const res = await app.http().post('/api/auth/login').send({ email, password: 'demo-password' });
      expect(res.status).toBe(200);
      expect(res.body.agent).toMatchObject({ email, role });
      expect(JSON.stringify(res.body)).not.toMatch(/passwordHash|argon2/);
    }
    const bad = await app.http().post('/api/auth/login').send({ email: 'agent1@demo.local', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
  });

  it('registers a phone inquiry, lists, filters and searches it', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Dishwasher E24 drain error', body: '洗碗机显示 E24，排水不畅', customer: { name: '王芳', phone: '+86 139 0000 1111' }, type: 'fault', team: 'tech' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channel: 'voice', status: 'new', type: 'fault', team: 'tech', customer: { name: '王芳', phone: '+8613900001111' } });
    const n = created.body.number;
    const one = await a1.get(`/api/tickets/${n}`);
    expect(one.status).toBe(200);
    expect(one.body.number).toBe(n);

    const byTeam = await a1.get('/api/tickets?team=tech&status=new');
    expect(byTeam.body.tickets.map((t: { number: number }) => t.number)).toContain(n);
    const search = await a1.get(`/api/tickets?q=${encodeURIComponent('排水')}`);
    expect(search.body.tickets.map((t: { number: number }) => t.number)).toEqual([n]);
    const bySubject = await a1.get('/api/tickets?q=e24 drain');
    expect(bySubject.body.tickets.map((t: { number: number }) => t.number)).toEqual([n]);
    const byChannel = await a1.get('/api/tickets?channel=chat');
    expect(byChannel.body.tickets.every((t: { channel: string }) => t.channel === 'chat')).toBe(true);
  });

  it('pages with a cursor without repeating or skipping tickets', async () => {
    const admin = await app.as('admin@demo.local');
    const all = await admin.get('/api/tickets?limit=100');
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await admin.get(`/api/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.tickets.map((t: { number: number }) => t.number));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.tickets.map((t: { number: number }) => t.number));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('replies, notes internally, changes status and assignee, and keeps an audit trail', async () => {
    const a1 = await app.as('agent1@demo.local');
    const sup = await app.as('supervisor@demo.local');
    const { body: t } = await a1.post('/api/tickets').send({ channel: 'web', subject: 'Manual for AC-3500', body: 'Where is the manual?', customer: { name: 'Ann', email: 'ann@example.com' } });
    const note = await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'Checking the archive', internal: true });
    expect(note.status).toBe(201);
    expect(note.body.internal).toBe(true);
    let fresh = await a1.get(`/api/tickets/${t.number}`);
    expect(fresh.body.status).toBe('new'); // an internal note is not a response
    expect(fresh.body.firstResponseAt).toBeNull();

    const reply = await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'Here is the link to the manual.' });
    expect(reply.status).toBe(201);
    fresh = await a1.get(`/api/tickets/${t.number}`);
    expect(fresh.body.status).toBe('open');
    expect(fresh.body.firstResponseAt).not.toBeNull();
    expect(fresh.body.assignee.name).toBe('Chen Jie (陈杰)');

    const agents = await sup.get('/api/agents?team=support');
    const someoneElse = agents.body.agents.find((a: { email: string }) => a.email === 'supervisor@demo.local');
    const byAgent = await a1.patch(`/api/tickets/${t.number}`).send({ assignee: someoneElse.id });
    expect(byAgent.status).toBe(403); // agents do not reassign
    const bySup = await sup.patch(`/api/tickets/${t.number}`).send({ assignee: someoneElse.id, status: 'pending', priority: 'high' });
    expect(bySup.status).toBe(200);
    expect(bySup.body).toMatchObject({ status: 'pending', priority: 'high', assignee: { id: someoneElse.id } });

    const timeline = await a1.get(`/api/tickets/${t.number}/messages`);
    expect(timeline.body.messages.map((m: { author: { type: string }; internal: boolean; event: { type: string } | null }) => [m.author.type, m.internal, m.event?.type ?? null])).toEqual([
      ['customer', false, null],
      ['agent', true, null],
      ['agent', false, null],
      ['system', true, 'assigned'], // the first reply took the ticket: a claim
      ['system', true, 'status_changed'],
      ['system', true, 'fields_changed'],
      ['system', true, 'assigned'],
    ]);
    const events = timeline.body.messages.filter((m: { kind: string }) => m.kind === 'event').map((m: { event: unknown }) => m.event);
    expect(events[0]).toEqual({ type: 'assigned', data: { from: null, to: { id: expect.any(String), name: 'Chen Jie (陈杰)' }, by: 'Chen Jie (陈杰)', claimed: true } });
    expect(events[2]).toEqual({ type: 'fields_changed', data: { changes: { priority: ['normal', 'high'] }, by: 'Li Na (李娜)' } });
    expect(events[3]).toEqual({ type: 'assigned', data: { from: { id: expect.any(String), name: 'Chen Jie (陈杰)' }, to: { id: someoneElse.id, name: 'Li Na (李娜)' }, by: 'Li Na (李娜)' } });
    const audit = await a1.get(`/api/tickets/${t.number}/audit`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['created', 'reply', 'updated']);
    expect(audit.body.entries[2]).toMatchObject({ actor: { name: 'Li Na (李娜)' }, changes: { status: ['open', 'pending'] } });
  });

  it('keeps agents to their own teams, answering another team\'s ticket as if it did not exist', async () => {
    const a2 = await app.as('agent2@demo.local');
    const a1 = await app.as('agent1@demo.local');
    const { body: t } = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Noise from fan', body: 'It rattles', customer: { name: 'Bo' }, team: 'tech' });
    const absent = await a2.get('/api/tickets/999999');
    for (const res of [
      await a2.get(`/api/tickets/${t.number}`),
      await a2.get(`/api/tickets/${t.number}/messages`),
      await a2.post(`/api/tickets/${t.number}/messages`).send({ body: 'hi' }),
      await a2.patch(`/api/tickets/${t.number}`).send({ status: 'solved' }),
      await a2.get(`/api/tickets/${t.number}/audit`),
      await a2.get(`/api/tickets/${t.number}/customer`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: `Ticket #${t.number} not found` });
    }
    expect(absent.body.error).toEqual({ code: 'not_found', message: 'Ticket #999999 not found' });
    expect((await a2.get('/api/tickets?team=tech')).status).toBe(403);
    const list = await a2.get('/api/tickets?limit=100');
    expect(list.body.tickets.every((x: { team: string }) => ['complaints', 'returns'].includes(x.team))).toBe(true);
    const after = await a1.get(`/api/tickets/${t.number}`);
    expect(after.body.status).toBe('new');
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const a1 = await app.as('agent1@demo.local');
    const before = (await a1.get('/api/tickets?limit=100')).body.tickets.length;
    const token = a1.token;
    const cases = [
      app.http().post('/api/tickets').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{"channel": "email",'),
      a1.post('/api/tickets').send({ channel: 'email', subject: 's', body: 'b', customer: { name: 'x' }, hacker: true }),
      a1.post('/api/tickets').send({ channel: 'fax', subject: 's', body: 'b', customer: { name: 'x' } }),
      a1.post('/api/tickets').send({ channel: 'email', subject: 's', body: 'x'.repeat(300_000), customer: { name: 'x' } }),
      a1.post('/api/tickets').send({ channel: 'email', subject: 's', body: 'b', customer: { name: 'x', email: 'not-an-email' } }),
      a1.get('/api/tickets/abc'),
      a1.get('/api/tickets?status=bogus'),
      a1.get('/api/tickets?cursor=zzz'),
      a1.patch('/api/tickets/1').send({ status: 'done' }),
      a1.patch('/api/tickets/1').send({ assignee: '123' }),
      app.http().get('/api/tickets'),
      app.http().get('/api/tickets').set('Authorization', 'Bearer forged'),
    ];
    const results = await Promise.all(cases);
    for (const res of results) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    }
    expect(results[3].status).toBe(413);
    expect((await a1.get('/api/tickets?limit=100')).body.tickets.length).toBe(before);
    expect((await a1.get('/api/tickets/999999')).status).toBe(404);
  });

  it('never gives two concurrent creations the same number', async () => {
    const a1 = await app.as('agent1@demo.local');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => a1.post('/api/tickets').send({ channel: 'web', subject: `Concurrent ${i}`, body: 'x', customer: { name: `C${i}` } })),
    );
    const numbers = results.map((r) => r.body.number);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(numbers).size).toBe(30);
  });

  it('reopens a solved ticket on a customer message and links a new ticket to a closed one', async () => {
    const a1 = await app.as('agent1@demo.local');
    const { body: t } = await a1.post('/api/tickets').send({ channel: 'email', subject: 'Remote lost', body: 'lost it', customer: { name: 'Dee', email: 'dee@example.com' } });
    await a1.patch(`/api/tickets/${t.number}`).send({ status: 'solved' });
    const doc = await app.c.tickets.byNumber(t.number);
    const r1 = await app.c.timeline.receiveFromCustomer(doc, { body: 'Still broken', channel: 'email' }, { type: 'customer', name: 'Dee' });
    expect(r1.ticket.number).toBe(t.number);
    expect(r1.ticket.status).toBe('open');
    expect(r1.ticket.reopenCount).toBe(1);
    await a1.patch(`/api/tickets/${t.number}`).send({ status: 'solved' });
    await a1.patch(`/api/tickets/${t.number}`).send({ status: 'closed' });
    expect((await a1.patch(`/api/tickets/${t.number}`).send({ status: 'open' })).status).toBe(409);
    const closed = await app.c.tickets.byNumber(t.number);
    const r2 = await app.c.timeline.receiveFromCustomer(closed, { body: 'Again!', channel: 'email' }, { type: 'customer', name: 'Dee' });
    expect(r2.ticket.number).not.toBe(t.number);
    expect(r2.ticket.linkedFrom).toBe(t.number);
  });

  it('revokes a token on logout and limits login attempts per account', async () => {
    const token = await app.login('agent2@demo.local');
    const h = { Authorization: `Bearer ${token}` };
    expect((await app.http().get('/api/auth/me').set(h)).status).toBe(200);
    expect((await app.http().post('/api/auth/logout').set(h)).status).toBe(204);
    expect((await app.http().get('/api/auth/me').set(h)).status).toBe(401);
    for (let i = 0; i < 5; i++) await app.http().post('/api/auth/login').send({ email: 'manager@demo.local', password: 'wrong' });
    const limited = await app.http().post('/api/auth/login').send({ email: 'manager@demo.local', password: 'demo-password' });
    expect(limited.status).toBe(429);
  });

  it('pushes new tickets live to the agents of the team only', async () => {
    const s1 = await app.agentSocket('agent1@demo.local');
    const s2 = await app.agentSocket('agent2@demo.local');
    const s2saw: string[] = [];
    s2.on('ticket:created', (p: { subject: string }) => s2saw.push(p.subject));
    const a1 = await app.as('agent1@demo.local');
    const seen = nextEvent<{ subject: string; team: string }>(s1, 'ticket:created', (p) => p.subject === 'Live one');
    await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Live one', body: 'x', customer: { name: 'L' }, team: 'tech' });
    expect((await seen).team).toBe('tech');
    // A later ticket of agent2's own team travels the same emitter and channel behind the first:
    // once agent2 has it, the tech ticket would have arrived before it had it been sent to agent2.
    const marker = nextEvent<{ subject: string }>(s2, 'ticket:created', (p) => p.subject === 'Marker for agent2');
    await (await app.as('agent2@demo.local')).post('/api/tickets').send({ channel: 'voice', subject: 'Marker for agent2', body: 'x', customer: { name: 'M' }, team: 'complaints' });
    await marker;
    expect(s2saw).toEqual(['Marker for agent2']);
  });

  it('serves the live queue from the index ordered by due time and priority', async () => {
    const sup = await app.as('supervisor@demo.local');
    const res = await sup.get('/api/queue?limit=100');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((i: { team: string }) => ['support', 'tech'].includes(i.team))).toBe(true);
  });
});
