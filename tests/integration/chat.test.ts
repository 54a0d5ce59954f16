import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Socket } from 'socket.io-client';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

type Ack = { id: string; ticketNumber: number } & { error?: { code: string; message: string } };

describe('live chat (/chat namespace)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: 'loopback' } }); // each visitor socket its own address (harness)
  });
  afterAll(() => app.close());

  /** A visitor socket and its first `session`. */
  async function visitor(auth: Record<string, unknown> = {}): Promise<{ s: Socket; session: any; got: any[] }> {
    const s = app.socket('/chat', auth);
    const got: any[] = [];
    s.on('message:new', (m) => got.push(m));
    const session = await nextEvent(s, 'session', () => true, 10000);
    return { s, session, got };
  }
  const send = (s: Socket, payload: unknown): Promise<Ack> => s.timeout(10000).emitWithAck('message:send', payload);

  async function mailsTo(address: string): Promise<{ subject: string; text: string }[]> {
    const dir = path.join(app.dataDir, 'outbox');
    if (!fs.existsSync(dir)) return [];
    const out = [];
    for (const f of fs.readdirSync(dir)) {
      const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
      if (m.to && JSON.stringify(m.to).includes(address)) out.push({ subject: m.subject ?? '', text: m.text ?? '' });
    }
    return out;
  }

  it('opens a chat ticket on the first message, live on the agent console, and carries the agent reply to the visitor', async () => {
    const agent = await app.agentSocket('agent1@demo.local');
    const { s, session } = await visitor({ name: 'Olivia Chen', email: 'olivia@example.com', locale: 'en' });
    expect(session.ticketNumber).toBeNull();
    expect(typeof session.visitorToken).toBe('string');

    const created = nextEvent(agent, 'ticket:created', (t: any) => t.channel === 'chat' && t.subject === 'My fridge is beeping');
    const ack = await send(s, { body: 'My fridge is beeping\nIt started this morning.', clientId: 'c-1' });
    expect(ack.error).toBeUndefined();
    expect(ack).toMatchObject({ id: expect.any(String), ticketNumber: expect.any(Number) });
    const t = await created;
    expect(t).toMatchObject({ number: ack.ticketNumber, team: 'support', channel: 'chat', customer: { name: 'Olivia Chen', email: 'olivia@example.com' } });

    const a1 = await app.as('agent1@demo.local');
    const joined = nextEvent(s, 'agent:joined');
    const reply = nextEvent(s, 'message:new', (m: any) => m.author.type === 'agent');
    const res = await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Hello Olivia, is the door closed properly?' });
    expect(res.status).toBe(201);
    expect(await reply).toMatchObject({ body: 'Hello Olivia, is the door closed properly?', author: { type: 'agent', name: 'Chen Jie (陈杰)' }, ticketNumber: ack.ticketNumber });
    expect(await joined).toEqual({ name: 'Chen Jie (陈杰)' });
    // the visitor had a socket open: the reply counts as delivered
    await eventually(async () => {
      const msgs = await a1.get(`/api/tickets/${ack.ticketNumber}/messages`);
      return msgs.body.messages?.find((m: any) => m.id === res.body.id)?.delivery?.status === 'sent' || null;
    });

    // agent typing reaches the visitor, visitor typing reaches agents on the ticket
    const typing = nextEvent(s, 'typing', (p: any) => p.typing === true);
    agent.emit('typing', { ticketNumber: ack.ticketNumber, typing: true });
    expect(await typing).toEqual({ typing: true, name: 'Chen Jie (陈杰)' });
  });

  it('resumes the same chat with the token after a disconnect and replays what the visitor missed, never internal notes', async () => {
    const first = await visitor({ name: 'Ben' });
    const ack = await send(first.s, { body: 'Where is my spare part?', clientId: 'r-1' });
    first.s.disconnect();

    const a1 = await app.as('agent1@demo.local');
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'SECRET: customer is on the VIP list', internal: true });
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'It ships tomorrow.' });
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Tracking number follows by mail.' });
    const deliveries = async () => (await a1.get(`/api/tickets/${ack.ticketNumber}/messages`)).body.messages.filter((m: any) => m.author.type === 'agent' && !m.internal).map((m: any) => m.delivery.status);
    expect(await deliveries()).toEqual(['queued', 'queued']); // Ben left no email: the replies wait for him

    const again = await visitor({ visitorToken: first.session.visitorToken, lastMessageId: ack.id });
    expect(again.session.ticketNumber).toBe(ack.ticketNumber);
    expect(typeof again.session.visitorToken).toBe('string'); // renewed on use (same visitor, a fresh lifetime)
    expect(again.session.agent).toEqual({ name: 'Chen Jie (陈杰)' });
    await eventually(async () => again.got.filter((m) => m.author.type === 'agent').length === 2 || null);
    expect(again.got.map((m) => m.body)).toEqual(expect.arrayContaining(['It ships tomorrow.', 'Tracking number follows by mail.']));
    await eventually(async () => (await deliveries()).every((d: string) => d === 'sent') || null); // replayed to him: now sent

    // a live internal note does not reach the visitor either; the public reply after it does
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'SECRET: refund approved internally', internal: true });
    const live = nextEvent(again.s, 'message:new', (m: any) => m.body === 'Anything else?');
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Anything else?' });
    await live;
    expect(JSON.stringify(again.got)).not.toMatch(/SECRET/);

    // a reload without lastMessageId gets the whole chat, still without notes
    const reload = await visitor({ visitorToken: first.session.visitorToken });
    await eventually(async () => reload.got.length >= 4 || null);
    expect(reload.got[0].body).toBe('Where is my spare part?');
    expect(JSON.stringify(reload.got)).not.toMatch(/SECRET/);

    // a forged token is not Ben's chat: a new visitor
    const forged = await visitor({ visitorToken: first.session.visitorToken.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A')) });
    expect(forged.session.ticketNumber).toBeNull();
    expect(forged.session.visitorToken).not.toBe(first.session.visitorToken);
  });

  it('stores a retried message (same clientId) once and acknowledges it with the same id', async () => {
    const { s } = await visitor({ name: 'Retry Rita' });
    const [a, b] = await Promise.all([send(s, { body: 'Order 4411 not arrived', clientId: 'dup-1' }), send(s, { body: 'Order 4411 not arrived', clientId: 'dup-1' })]);
    const c = await send(s, { body: 'Order 4411 not arrived', clientId: 'dup-1' });
    expect(a.id).toBe(b.id);
    expect(c.id).toBe(a.id);
    expect(c.ticketNumber).toBe(a.ticketNumber);
    const admin = await app.as('admin@demo.local');
    const msgs = await admin.get(`/api/tickets/${a.ticketNumber}/messages`);
    expect(msgs.body.messages.filter((m: any) => m.body === 'Order 4411 not arrived')).toHaveLength(1);
  });

  it('answers an oversize or malformed payload with an error ack and keeps the connection', async () => {
    const { s } = await visitor({ name: 'Mallory' });
    const big = await send(s, { body: 'x'.repeat(5001), clientId: 'big' });
    expect(big.error).toMatchObject({ code: 'payload_too_large' });
    for (const bad of [{ body: 42 }, { body: 'hi', extra: true }, { body: '   ' }, null, 'just a string', { body: 'hi', clientId: 'bad id with spaces' }]) {
      const r = await send(s, bad);
      expect(r.error).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
    }
    const bad = await s.timeout(5000).emitWithAck('chat:rate', { score: 9 });
    expect(bad.error.code).toBe('validation_failed');
    expect(s.connected).toBe(true);
    const ok = await send(s, { body: '<b>still here</b>', clientId: 'ok-1' });
    expect(ok.error).toBeUndefined();
    expect(ok.ticketNumber).toEqual(expect.any(Number));
  });

  it('rate-limits a flooding visitor per visitor, with an error ack, not a disconnect', async () => {
    const { s } = await visitor({ name: 'Flood' });
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => send(s, { body: `spam ${i}`, clientId: `f-${i}` })));
    const limited = acks.filter((a) => a.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(acks.filter((a) => !a.error).length).toBeLessThanOrEqual(20);
    expect(s.connected).toBe(true);
  });

  it('shows the waiting visitor their place in the queue, and the agent name when an agent takes the chat', async () => {
    const v1 = await visitor({ name: 'Q One', team: 'tech' });
    const a1 = await send(v1.s, { body: 'Queue test one', clientId: 'q1' });
    const v2 = await visitor({ name: 'Q Two', team: 'tech' });
    const pos2 = nextEvent(v2.s, 'session', (p: any) => p.ticketNumber !== null);
    const a2 = await send(v2.s, { body: 'Queue test two', clientId: 'q2' });
    const s2 = await pos2;
    expect(s2.position).toBe(2);
    expect(s2.team).toBe('tech');

    const sup = await app.as('supervisor@demo.local');
    const agents = await sup.get('/api/agents?team=tech');
    const agent1 = agents.body.agents.find((a: any) => a.email === 'agent1@demo.local');
    const joined = nextEvent(v1.s, 'agent:joined');
    const moved = nextEvent(v2.s, 'queue:position', (p: any) => p.position === 1);
    const res = await sup.patch(`/api/tickets/${a1.ticketNumber}`).send({ assignee: agent1.id });
    expect(res.status).toBe(200);
    expect(await joined).toEqual({ name: 'Chen Jie (陈杰)' });
    expect(await moved).toEqual({ position: 1 });
    expect(a2.ticketNumber).not.toBe(a1.ticketNumber);

    // Redis loses the waiting queue (restored from an old snapshot): the rebuild from MongoDB keeps the places
    await app.c.redis.del(`${app.config.queuePrefix}:chat:waiting:tech`);
    const chatModule = app.c.modules.find((m) => m.name === 'chat') as unknown as { rebuildQueue(): Promise<number> };
    const told = nextEvent(v2.s, 'queue:position', (p: any) => p.position === 1);
    expect(await chatModule.rebuildQueue()).toBeGreaterThanOrEqual(1);
    expect(await told).toEqual({ position: 1 });
    expect(await app.c.redis.zrange(`${app.config.queuePrefix}:chat:waiting:tech`, '0', '-1')).toEqual([String(a2.ticketNumber)]);
  });

  it('with no agent of the team online, says so, and the offline form makes an email ticket', async () => {
    const { s, session } = await visitor({ name: 'Night Owl', team: 'returns' });
    expect(session.agentsOnline).toBe(false);
    const bad = await s.timeout(5000).emitWithAck('offline:message', { name: 'Night Owl', body: 'no email given' });
    expect(bad.error.code).toBe('validation_failed');
    const r = await s.timeout(10000).emitWithAck('offline:message', { name: 'Night Owl', email: 'owl@example.com', body: 'I want to return my kettle', clientId: 'off-1' });
    expect(r.ticketNumber).toEqual(expect.any(Number));
    const admin = await app.as('admin@demo.local');
    const t = await admin.get(`/api/tickets/${r.ticketNumber}`);
    expect(t.body).toMatchObject({ channel: 'email', team: 'returns', customer: { email: 'owl@example.com', name: 'Night Owl' } });
    const again = await s.timeout(10000).emitWithAck('offline:message', { name: 'Night Owl', email: 'owl@example.com', body: 'I want to return my kettle', clientId: 'off-1' });
    expect(again.ticketNumber).toBe(r.ticketNumber);

    const viaRest = await app.http().post('/api/chat/offline').send({ name: 'Web Form', email: 'form@example.com', body: 'Please call me back about my order' });
    expect(viaRest.status).toBe(201);
    const t2 = await admin.get(`/api/tickets/${viaRest.body.ticketNumber}`);
    expect(t2.body).toMatchObject({ channel: 'email', team: 'support', customer: { email: 'form@example.com' } });
    const missing = await app.http().post('/api/chat/offline').send({ name: 'Web Form', body: 'x' });
    expect(missing.status).toBe(400);

    // once an agent of the team is online the widget is told so
    const agent2 = String((await app.c.models.Agent.findOne({ email: 'agent2@demo.local' }, { _id: 1 }).lean())!._id);
    await app.c.agents.setPresence(agent2, 'online');
    await eventually(async () => (await app.http().get('/api/chat/availability?team=returns')).body.agentsOnline === true || null);
    await app.c.agents.setPresence(agent2, 'offline');
    await eventually(async () => (await app.http().get('/api/chat/availability?team=returns')).body.agentsOnline === false || null);
  });

  it('ends a chat with a transcript by email and a rating on the ticket; the next message opens a new chat', async () => {
    const { s, session } = await visitor({ name: 'Tina Transcript', email: 'tina@example.com' });
    const ack = await send(s, { body: 'How do I descale the coffee machine?', clientId: 'e-1' });
    const a1 = await app.as('agent1@demo.local');
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Use the descaling programme, menu 4.' });
    // the transcript goes only to a proven address: Tina confirms hers with the mailed code
    expect(await s.timeout(10000).emitWithAck('email:verify', { email: 'tina@example.com' })).toEqual({ sent: true });
    const codeMail = await eventually(async () => (await mailsTo('tina@example.com')).find((m) => /\b\d{6}\b/.test(m.text)), 15000);
    expect(await s.timeout(10000).emitWithAck('email:confirm', { code: /\b(\d{6})\b/.exec(codeMail.text)![1] })).toMatchObject({ verified: true });
    const ended = await s.timeout(10000).emitWithAck('chat:end', { transcript: true });
    expect(ended).toEqual({ ticketNumber: ack.ticketNumber, transcript: true });
    const rated = await s.timeout(10000).emitWithAck('chat:rate', { score: 5, comment: 'Quick and kind' });
    expect(rated).toEqual({ ok: true });

    const mail = await eventually(async () => (await mailsTo('tina@example.com')).find((m) => m.subject.includes(`#${ack.ticketNumber}`)), 15000);
    expect(mail.text).toContain('How do I descale the coffee machine?');
    expect(mail.text).toContain('Use the descaling programme, menu 4.');
    const ticket = await app.c.models.Ticket.findOne({ number: ack.ticketNumber }).lean();
    expect((ticket!.meta as any).chatRating).toMatchObject({ score: 5, comment: 'Quick and kind' });
    const timeline = await a1.get(`/api/tickets/${ack.ticketNumber}/messages`);
    expect(timeline.body.messages.some((m: any) => m.event?.type === 'chat_rating')).toBe(true);

    const next = await send(s, { body: 'One more question', clientId: 'e-2' });
    expect(next.ticketNumber).not.toBe(ack.ticketNumber);
    const resumed = await visitor({ visitorToken: session.visitorToken });
    expect(resumed.session.ticketNumber).toBe(next.ticketNumber);
  });

  it('sends the reply by email when the visitor has left the chat', async () => {
    const { s, session } = await visitor({ name: 'Gone Gary', email: 'gary@example.com' });
    const ack = await send(s, { body: 'Dishwasher error E15', clientId: 'g-1' });
    s.disconnect();
    const vid = session.visitorToken.split('.')[1];
    await eventually(async () => (await app.c.redis.zcard(`${app.config.queuePrefix}:chat:present:${vid}`)) === 0 || null);
    const a1 = await app.as('agent1@demo.local');
    await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Please check the water supply hose.' });
    const mail = await eventually(async () => (await mailsTo('gary@example.com')).find((m) => m.text.includes('Please check the water supply hose.')), 15000);
    expect(mail.subject).toContain(`#${ack.ticketNumber}`);
  });

  it('files a callback request from the widget', async () => {
    const { s } = await visitor({ name: 'Call Me' });
    await send(s, { body: 'Please call me', clientId: 'cb-1' });
    const r = await s.timeout(10000).emitWithAck('callback:request', { phone: '+86 138 0000 1234' });
    expect(r).toMatchObject({ ok: true, ticketNumber: expect.any(Number) });
    const bad = await s.timeout(5000).emitWithAck('callback:request', { phone: 'call me maybe' });
    expect(bad.error.code).toBe('validation_failed');
    const admin = await app.as('admin@demo.local');
    const timeline = await admin.get(`/api/tickets/${r.ticketNumber}/messages`);
    expect(timeline.body.messages.some((m: any) => m.event?.type === 'callback_requested')).toBe(true);
  });

  it('serves the widget script', async () => {
    const res = await app.http().get('/chat-widget.js');
    if (fs.existsSync(path.resolve(__dirname, '../../public/build/chat-widget.js'))) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/javascript/);
    } else expect(res.status).toBe(404);
  });
});
