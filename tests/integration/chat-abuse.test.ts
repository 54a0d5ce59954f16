import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { io as ioClient, Socket } from 'socket.io-client';
import { CHAT_LIMITS } from '../../src/channels/chat/chat.limits';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

/** The anonymous /chat door: limits per address and connection, transcripts only to proven addresses, claimed identities flagged. */
describe('/chat cannot be used to flood the department or to mail strangers', () => {
  let app: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await app.close();
  });

  /** A visitor from `ip` (the test is the trusted proxy); resolves with its socket and first session, or the refusal. */
  const visitor = (ip: string, auth: Record<string, unknown> = {}) =>
    new Promise<{ s: Socket; session: any }>((resolve, reject) => {
      const s = ioClient(`${app.url}/chat`, { auth, transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'X-Forwarded-For': ip } });
      sockets.push(s);
      s.once('session', (session) => resolve({ s, session }));
      s.once('connect_error', (err: Error & { data?: any }) => reject(err.data ?? err));
    });
  const ack = (s: Socket, event: string, payload: unknown): Promise<any> => s.timeout(10000).emitWithAck(event, payload);
  async function mailsTo(address: string) {
    const dir = path.join(app.dataDir, 'outbox');
    const out: { subject: string; text: string }[] = [];
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
      if (JSON.stringify(m.to ?? '').includes(address)) out.push({ subject: m.subject ?? '', text: m.text ?? '' });
    }
    return out;
  }

  it('lets one address be only so many new visitors', async () => {
    for (let i = 0; i < CHAT_LIMITS.newVisitorIp.points; i++) await visitor('203.0.113.1');
    await expect(visitor('203.0.113.1')).rejects.toMatchObject({ error: { code: 'rate_limited' } });
    await expect(visitor('203.0.113.2')).resolves.toMatchObject({ session: { ticketNumber: null } }); // another address is not held up
  });

  it('lets one address open only so many chats, however many visitors it is', async () => {
    const opened: number[] = [];
    for (let i = 0; i < CHAT_LIMITS.openIp.points; i++) {
      const { s } = await visitor('203.0.113.3', { name: `Flood ${i}` });
      const r = await ack(s, 'message:send', { body: `flood ${i}`, clientId: `f-${i}` });
      expect(r.error).toBeUndefined();
      opened.push(r.ticketNumber);
    }
    const { s } = await visitor('203.0.113.3', { name: 'One too many' });
    expect((await ack(s, 'message:send', { body: 'and another', clientId: 'f-x' })).error.code).toBe('rate_limited');
    expect(await app.c.models.Ticket.countDocuments({ subject: 'and another' })).toBe(0);
    expect(new Set(opened).size).toBe(CHAT_LIMITS.openIp.points);
  });

  it('lets one address schedule only so many callbacks', async () => {
    for (let i = 0; i < CHAT_LIMITS.callbackIp.points; i++) {
      const { s } = await visitor('203.0.113.4');
      expect(await ack(s, 'callback:request', { phone: `+1 555 010${i}` })).toMatchObject({ ok: true });
    }
    const { s } = await visitor('203.0.113.4');
    expect((await ack(s, 'callback:request', { phone: '+1 555 0199' })).error.code).toBe('rate_limited');
  });

  it('mails a transcript only to an address the visitor proved, never to one it names', async () => {
    const { s } = await visitor('203.0.113.5', { name: 'Mallory', email: 'mallory@example.net' });
    const first = await ack(s, 'message:send', { body: 'Click http://evil.example/win to claim your prize', clientId: 'm-1' });
    const refused = await ack(s, 'chat:end', { transcript: true, email: 'victim@example.org' });
    expect(refused.error.code).toBe('email_unverified');
    expect((await ack(s, 'chat:end', { transcript: true })).error.code).toBe('email_unverified'); // the typed address is not proven either

    // proving one: the code mail has fixed text, nothing the visitor wrote
    expect(await ack(s, 'email:verify', { email: 'mallory@example.net' })).toEqual({ sent: true });
    const codeMail = await eventually(async () => (await mailsTo('mallory@example.net'))[0], 15000);
    expect(codeMail.text).not.toContain('evil.example');
    const code = /\b(\d{6})\b/.exec(codeMail.text)![1];
    expect((await ack(s, 'email:confirm', { code: code === '000000' ? '000001' : '000000' })).error.code).toBe('wrong_code');
    expect(await ack(s, 'email:confirm', { code })).toEqual({ verified: true, email: 'mallory@example.net' });
    expect((await ack(s, 'chat:end', { transcript: true, email: 'victim@example.org' })).error.code).toBe('email_unverified');
    expect(await ack(s, 'chat:end', { transcript: true })).toEqual({ ticketNumber: first.ticketNumber, transcript: true });
    await eventually(async () => (await mailsTo('mallory@example.net')).find((m) => m.subject.includes(`#${first.ticketNumber}`)), 15000);
    expect(await mailsTo('victim@example.org')).toEqual([]);
  });

  it('keeps a visitor who types a customer\'s email off that record until proven: flagged to the agent, nothing added', async () => {
    const a1 = await app.as('agent1@demo.local');
    const known = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Warranty for AC-3500', body: 'x', customer: { name: 'Real Rita', email: 'rita@example.com', phone: '+86 139 1111 2222' }, team: 'support' });
    const before = (await a1.get(`/api/customers/${known.body.customer.id}`)).body;

    const agent = await app.agentSocket('agent1@demo.local');
    const { s } = await visitor('203.0.113.6', { name: 'Rita', email: 'rita@example.com', phone: '+86 137 0000 9999' });
    const created = nextEvent(agent, 'ticket:created', (t: any) => t.subject === 'What is my address on file?');
    const r = await ack(s, 'message:send', { body: 'What is my address on file?', clientId: 'r-1' });
    await created;
    const t = (await a1.get(`/api/tickets/${r.ticketNumber}`)).body;
    expect(t.identity).toEqual({ verified: false, matched: true, claimed: { email: 'rita@example.com', phone: '+86 137 0000 9999' } });
    const after = (await a1.get(`/api/customers/${known.body.customer.id}`)).body;
    expect(after.phones).toEqual(before.phones); // the stranger's phone was not added to Rita's record
    expect(await app.c.customers.findByContact({ phone: '+86 137 0000 9999' })).toBeNull();

    expect(await ack(s, 'email:verify', { email: 'rita@example.com' })).toEqual({ sent: true });
    const codeMail = await eventually(async () => (await mailsTo('rita@example.com')).find((m) => /\b\d{6}\b/.test(m.text)), 15000);
    expect(await ack(s, 'email:confirm', { code: /\b(\d{6})\b/.exec(codeMail.text)![1] })).toMatchObject({ verified: true });
    expect((await a1.get(`/api/tickets/${r.ticketNumber}`)).body.identity).toMatchObject({ verified: true, matched: true });
  });
});
