import { buildTicketBody } from '../builders/ticket';
import { startTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/harness';

/**
 * What a fuzzer found the server accepted or choked on: each gets a clear 4xx and changes nothing.
 */
describe('bad input found by fuzzing', () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.as('admin@demo.local');
  });
  afterAll(() => app.close());

  const ticketCount = () => app.c.models.Ticket.countDocuments();
  const newTicket = (fields: Record<string, unknown> = {}) =>
    admin.post('/api/tickets').send(buildTicketBody({ channel: 'web', subject: 'Fridge is noisy', body: 'It hums loudly at night', ...fields }));

  it('answers a search for NUL with 400, not 500', async () => {
    const res = await admin.get('/api/tickets?q=%00');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'q' }] });
    expect((await admin.get('/api/tickets?q=fridge')).status).toBe(200);
  });

  it('answers 409 when an edit gives an agent the e-mail of another (a unique index, mapped centrally)', async () => {
    const agents = (await admin.get('/api/agents')).body.agents as { id: string; email: string }[];
    const agent2 = agents.find((a) => a.email === 'agent2@demo.local')!;
    const res = await admin.patch(`/api/agents/${agent2.id}`).send({ email: 'agent1@demo.local' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('duplicate');
    expect(JSON.stringify(res.body)).not.toContain('agent1@demo.local'); // the value is personal data: only the field is named
    expect((await app.c.models.Agent.findById(agent2.id))!.email).toBe('agent2@demo.local');
  });

  it('refuses an SLA target of 1.7 million years, and new tickets keep their SLA', async () => {
    const mgr = await app.as('manager@demo.local');
    for (const firstResponse of ['P89840051385W', 'P999999D', 'PT0S', 'PT0.5S']) {
      const res = await mgr.post('/api/sla-policies').send({ name: `huge ${firstResponse}`, order: -5, match: {}, targets: { firstResponse } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toMatchObject({ path: 'targets.firstResponse' });
    }
    expect((await mgr.post('/api/sla-policies').send({ name: 'a year', order: -4, match: { type: 'warranty' }, targets: { resolution: 'P52W' } })).status).toBe(201);
    const created = await newTicket();
    expect(created.status).toBe(201);
    expect(created.body.sla).not.toBeNull();
    expect(Number.isNaN(Date.parse(created.body.sla.firstResponse.dueAt))).toBe(false);
  });

  it('refuses NUL, control characters, lone surrogates and bytes that are not UTF-8 in subjects and bodies', async () => {
    const before = await ticketCount();
    for (const subject of ['Broken\u0000door', 'bell\u0007', 'half \ud83d pair']) {
      const res = await newTicket({ subject });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('subject');
    }
    // a JSON text with an escaped lone surrogate, as a client might send it
    const surrogate = await admin.post('/api/tickets').set('Content-Type', 'application/json').send('{"channel":"web","subject":"ok","body":"bad \\udc00 tail","customer":{"name":"X"}}');
    expect(surrogate.status).toBe(400);
    // raw bytes that are not UTF-8 (Latin-1 "é"): the parser leaves U+FFFD, which is refused
    const latin1 = Buffer.concat([Buffer.from('{"channel":"web","subject":"caf'), Buffer.from([0xe9]), Buffer.from('","body":"x","customer":{"name":"X"}}')]);
    const bytes = await fetch(`${app.url}/api/tickets`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' }, body: latin1 });
    expect(bytes.status).toBe(400);
    expect(((await bytes.json()) as { error: { details: { message: string }[] } }).error.details[0].message).toMatch(/UTF-8/);
    expect(await ticketCount()).toBe(before);
    // tabs and new lines are text, and Chinese is welcome
    expect((await newTicket({ subject: '冰箱\t噪音', body: '晚上\n嗡嗡响' })).status).toBe(201);
  });

  it('takes integers in query strings only as decimal digits', async () => {
    for (const limit of ['%205', '0x10', '1e1', '', '5.0', '-1', '101']) {
      const res = await admin.get(`/api/tickets?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('limit');
    }
    for (const path of ['/api/callbacks?limit=0x10', '/api/surveys?limit=%205', '/api/escalations?limit=1e1', '/api/reports/product-quality?month=2030-01&limit=0x10', '/api/tickets/0x10', '/api/tickets/1e1/messages']) {
      expect({ path, status: (await admin.get(path)).status }).toEqual({ path, status: 400 });
    }
    const ok = await admin.get('/api/tickets?limit=2');
    expect(ok.status).toBe(200);
    expect(ok.body.tickets).toHaveLength(2);
  });

  it('refuses queue cursors that are not a page cursor (1e999, fractions, junk)', async () => {
    for (const cursor of ['1e999:0123456789abcdef01234567', '1.5:0123456789abcdef01234567', 'Infinity:0123456789abcdef01234567', '99999999999999999:0123456789abcdef01234567']) {
      const res = await admin.get(`/api/queue?cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'cursor', message: 'must be the nextCursor of a previous page' })]);
    }
    const first = await admin.get('/api/queue?limit=2');
    expect(first.body.nextCursor).toMatch(/^\d+:[0-9a-f]{24}$/);
    const second = await admin.get(`/api/queue?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('refuses e-mail addresses SMTP cannot carry: a local part over 64, an address over 254 characters', async () => {
    const long = `${'a'.repeat(65)}@example.com`;
    const huge = `${'b'.repeat(60)}@${'c'.repeat(200)}.example.com`;
    for (const email of [long, huge]) {
      const res = await newTicket({ customer: { name: 'Long', email } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('customer.email');
    }
    expect((await admin.post('/api/chat/offline').send({ name: 'Long', email: long, body: 'hello' })).status).toBe(400);
    expect((await newTicket({ customer: { name: 'Ok', email: `${'a'.repeat(64)}@example.com` } })).status).toBe(201);
  });

  it('answers an empty or garbage raw mail with 400 and a JSON error, and a real one with 202', async () => {
    const post = (body: string | Buffer) => app.http().post('/webhooks/email/raw').set('Content-Type', 'message/rfc822').set('X-Webhook-Secret', WEBHOOK_SECRET).send(body);
    for (const garbage of ['', 'hello world', '\n\nno header at all', 'Subject: no sender\r\n\r\nbody', Buffer.from([0xff, 0xfe, 0x00, 0x01])]) {
      const res = await post(garbage);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(/^Not an RFC 5322 mail/);
    }
    const mail = 'From: Ana Ruiz <ana.ruiz@example.com>\r\nTo: support@demo.local\r\nSubject: Door seal\r\nMessage-ID: <seal-1@example.com>\r\n\r\nThe door seal is torn.\r\n';
    const ok = await post(mail);
    expect(ok.status).toBe(202);
    expect(ok.body.id).toMatch(/^mail-[0-9a-f]{64}$/);
  });
});
