import { MovableClock } from '../../src/infra/clock';
import { eventually } from '../helpers/harness';
import { mailIntake } from '../helpers/mail-intake';
import { startSmtpSink } from '../helpers/smtp-sink';
import { appSuite } from '../helpers/app-suite';

const STATUS_LINK = /\/status\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
const SIGN_IN_LINK = /\/portal\/auth\/([A-Za-z0-9_-]+)/;
const DAY = 24 * 3600_000;

describe('customer self-service: status links, portal sign-in, ownership', () => {
  const clock = new MovableClock();
  const suite = appSuite({ app: { clock }, mail: startSmtpSink });

  const mailFor = (address: string, match: RegExp, after = 0) => eventually(async () => suite.sink.sentTo(address).slice(after).find((m) => match.test(m.text ?? '')), 30_000);

  /** Signs a customer in the way a person does: asks for a link, opens the mail, presses the button. */
  async function signIn(email: string): Promise<{ cookie: string; csrf: string }> {
    const before = suite.sink.sentTo(email).length;
    const asked = await suite.app.http().post('/api/portal/login').send({ email });
    expect(asked.status).toBe(202);
    const mail = await mailFor(email, SIGN_IN_LINK, before);
    const token = SIGN_IN_LINK.exec(mail.text!)![1];
    expect((await suite.app.http().get(`/portal/auth/${token}`)).status).toBe(200);
    const used = await suite.app.http().post(`/portal/auth/${token}`).type('form').send({});
    expect(used.status).toBe(303);
    const setCookie = ([] as string[]).concat(used.headers['set-cookie'] ?? []);
    const cookie = setCookie.find((c) => c.startsWith('ac_portal='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await suite.app.http().get('/portal').set('Cookie', cookie.split(';')[0]);
    expect(home.status).toBe(200);
    return { cookie: cookie.split(';')[0], csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1] };
  }

  it('puts a signed status link into the acknowledgement mail; the page shows the status in words, tampered and expired links are refused', async () => {
    const raw = ['From: Wang Fang <wang.fang@example.cn>', 'To: support@demo.local', 'Subject: 洗碗机漏水', 'Message-ID: <portal-ack-1@example.cn>', 'Content-Type: text/plain; charset=utf-8', '', '洗碗机底部漏水，请派人来看。', ''].join('\r\n');
    await mailIntake(suite.app).send(raw, { from: 'wang.fang@example.cn', to: ['support@demo.local'] });
    const ack = await mailFor('wang.fang@example.cn', STATUS_LINK);
    const token = STATUS_LINK.exec(ack.text!)![1];
    const page = await suite.app.http().get(`/status/${token}`);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('洗碗机漏水');
    // the status in plain words, in the customer's language; nothing of the customer's contact details
    expect(page.text).toMatch(/已受理|正在处理/);
    expect(page.text).not.toContain('wang.fang@example.cn');
    // the switch gives the same page in English
    expect((await suite.app.http().get(`/status/${token}?lang=en`)).text).toMatch(/Received|working on it/);

    const [payload, mac] = token.split('.');
    const flipped = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await suite.app.http().get(`/status/${flipped}`)).status).toBe(404);
    const other = Buffer.from(JSON.stringify({ t: '0123456789abcdef01234567' })).toString('base64url');
    expect((await suite.app.http().get(`/status/${other}.${mac}`)).status).toBe(404);

    // closed, the link lives 30 more days
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: '洗碗机漏水' }))!;
    await suite.app.c.models.Ticket.updateOne({ _id: ticket._id }, { $set: { status: 'closed', closedAt: clock.now() } });
    clock.advance(29 * DAY);
    expect((await suite.app.http().get(`/status/${token}`)).status).toBe(200);
    clock.advance(2 * DAY);
    const expired = await suite.app.http().get(`/status/${token}`);
    expect(expired.status).toBe(410);
    expect(expired.text).not.toContain('洗碗机漏水');
    clock.set(new Date());
  });

  it('signs in with a one-time link: used twice or after 15 minutes it is refused; an unknown address gets the same 202 and no mail', async () => {
    const unknown = await suite.app.http().post('/api/portal/login').send({ email: 'nobody-here@example.org' });
    const known = await suite.app.http().post('/api/portal/login').send({ email: 'wang.fang@example.cn' });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    const mail = await mailFor('wang.fang@example.cn', SIGN_IN_LINK);
    const token = SIGN_IN_LINK.exec(mail.text!)![1];
    // both jobs ran in order on one queue: the known address's mail came, the unknown one's never does
    await eventually(async () => (await suite.app.c.queues.get('portal').getJobCounts('waiting', 'active')).waiting + (await suite.app.c.queues.get('portal').getJobCounts('active')).active === 0, 20_000);
    expect(suite.sink.sentTo('nobody-here@example.org')).toHaveLength(0);

    const first = await suite.app.http().post(`/portal/auth/${token}`).type('form').send({});
    expect(first.status).toBe(303);
    const again = await suite.app.http().post(`/portal/auth/${token}`).type('form').send({});
    expect(again.status).toBe(410);
    expect(again.headers['set-cookie']).toBeUndefined();

    const before = suite.sink.sentTo('wang.fang@example.cn').length;
    await suite.app.http().post('/api/portal/login').send({ email: 'wang.fang@example.cn' });
    const late = SIGN_IN_LINK.exec((await mailFor('wang.fang@example.cn', SIGN_IN_LINK, before)).text!)![1];
    clock.advance(16 * 60_000);
    expect((await suite.app.http().get(`/portal/auth/${late}`)).status).toBe(410);
    expect((await suite.app.http().post(`/portal/auth/${late}`).type('form').send({})).status).toBe(410);
    clock.set(new Date());
  });

  it('a customer replies with an attachment from the portal: the agents see the message and download the file; internal notes stay hidden', async () => {
    const s = await signIn('wang.fang@example.cn');
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: '洗碗机漏水' }))!;
    await suite.app.c.models.Ticket.updateOne({ _id: ticket._id }, { $set: { status: 'open' }, $unset: { closedAt: 1 } });
    const a1 = await suite.app.as('agent1@demo.local');
    expect((await a1.post(`/api/tickets/${ticket.number}/messages`).send({ body: 'Internal: customer sounds upset', internal: true })).status).toBe(201);
    const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    const sent = await suite.app.http().post(`/portal/tickets/${ticket.number}/reply`).set('Cookie', s.cookie).field('_csrf', s.csrf).field('body', '这是漏水的照片').attach('files', photo, { filename: '漏水.png', contentType: 'image/png' });
    expect(sent.status).toBe(303);
    const messages = (await a1.get(`/api/tickets/${ticket.number}/messages`)).body.messages as { body: string; attachments: { filename: string; url: string }[] }[];
    const reply = messages.find((m) => m.body === '这是漏水的照片')!;
    expect(reply.attachments.map((a) => a.filename)).toEqual(['漏水.png']);
    const file = await a1.get(reply.attachments[0].url).buffer(true).parse((res, cb) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => cb(null, Buffer.concat(chunks))); });
    expect(Buffer.compare(file.body as Buffer, photo)).toBe(0);
    const page = await suite.app.http().get(`/portal/tickets/${ticket.number}`).set('Cookie', s.cookie);
    expect(page.text).toContain('这是漏水的照片');
    expect(page.text).toContain('漏水.png');
    expect(page.text).not.toContain('Internal: customer sounds upset');
    // without the form token nothing is stored
    const forged = await suite.app.http().post(`/portal/tickets/${ticket.number}/reply`).set('Cookie', s.cookie).field('body', 'forged').attach('files', photo, 'x.png');
    expect(forged.status).toBe(403);
    expect((await a1.get(`/api/tickets/${ticket.number}/messages`)).body.messages.some((m: { body: string }) => m.body === 'forged')).toBe(false);
  });

  it('a portal post without the CSRF token is refused; sign-out revokes the session', async () => {
    const s = await signIn('wang.fang@example.cn');
    const noToken = await suite.app.http().post('/portal/requests').set('Cookie', s.cookie).type('form').send({ subject: 'x', body: 'y' });
    expect(noToken.status).toBe(403);
    const made = await suite.app.http().post('/portal/requests').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, subject: 'Filter question', body: 'Where is the filter?' });
    expect(made.status).toBe(303);
    const out = await suite.app.http().post('/portal/logout').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf });
    expect(out.status).toBe(303);
    expect((await suite.app.http().get('/portal/tickets/1').set('Cookie', s.cookie)).status).toBe(401);
  });

  it('never shows a customer another customer\'s ticket, unit, report or appointment, through any portal route', async () => {
    const a1 = await suite.app.as('agent1@demo.local');
    const mgr = await suite.app.as('manager@demo.local');
    const open = async (name: string, email: string) => {
      const t = await a1.post('/api/tickets').send({ channel: 'email', subject: `Help for ${name}`, body: 'It broke.', customer: { name, email }, team: 'support' });
      expect(t.status).toBe(201);
      const customer = (await suite.app.c.models.Customer.findOne({ emails: email }))!;
      const unit = await mgr.post(`/api/customers/${customer._id}/units`).send({ model: 'WM-800', serial: `SN-${name}-${Date.now()}`, purchaseDate: '2026-01-10' });
      expect(unit.status).toBe(201);
      return { number: t.body.number as number, unitId: unit.body.id as string };
    };
    const alice = await open('Alice', 'alice@example.org');
    const bob = await open('Bob', 'bob@example.org');
    const s = await signIn('alice@example.org');
    const get = (p: string) => suite.app.http().get(p).set('Cookie', s.cookie);
    const post = (p: string, body: object) => suite.app.http().post(p).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, ...body });

    // her own: seen
    expect((await get(`/portal/tickets/${alice.number}`)).status).toBe(200);
    expect((await get(`/portal/units/${alice.unitId}`)).status).toBe(200);
    const home = await get('/portal');
    expect(home.text).toContain(`Help for Alice`);
    expect(home.text).not.toContain('Help for Bob');

    // Bob's: every route answers as for something that does not exist, and changes nothing
    const bobMessages = await suite.app.c.models.Message.countDocuments({});
    expect((await get(`/portal/tickets/${bob.number}`)).status).toBe(404);
    expect((await post(`/portal/tickets/${bob.number}/reply`, { body: 'let me in' })).status).toBe(404);
    expect((await get(`/portal/units/${bob.unitId}`)).status).toBe(404);
    expect((await get(`/portal/book?unit=${bob.unitId}`)).status).toBe(404);
    expect((await post('/portal/book', { unit: bob.unitId, kind: 'repair', address: 'x', slotStart: new Date().toISOString() })).status).toBe(404);
    expect((await post('/portal/requests', { unitId: bob.unitId, subject: 'mine now', body: 'x' })).status).toBe(404);
    expect((await get(`/portal/requests/new?unit=${bob.unitId}`)).text).not.toContain(`option value="${bob.unitId}"`);
    const slotStart = new Date(Date.now() + 7 * DAY).toISOString();
    const api = await suite.app.http().post('/api/appointments').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ slotStart, unitId: bob.unitId, kind: 'repair', address: 'x' });
    expect(api.status).toBe(404);
    expect(await suite.app.c.models.Message.countDocuments({})).toBe(bobMessages);

    // Bob's booked visit: not Alice's to read, move, cancel or download
    const b = await signIn('bob@example.org');
    const slots = await suite.app.http().get(`/api/appointments/slots?from=${encodeURIComponent(new Date(Date.now() + 2 * DAY).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 9 * DAY).toISOString())}`).set('Cookie', b.cookie);
    expect(slots.status).toBe(200);
    const booked = await suite.app.http().post('/api/appointments').set('Cookie', b.cookie).set('X-CSRF-Token', b.csrf).send({ slotStart: slots.body.slots[0].start, unitId: bob.unitId, kind: 'repair', address: 'Bob Street 1' });
    expect(booked.status).toBe(201);
    expect((await get(`/portal/appointments/${booked.body.id}/reschedule`)).status).toBe(404);
    expect((await post(`/portal/appointments/${booked.body.id}/cancel`, {})).status).toBe(404);
    expect((await get(`/portal/work-orders/${booked.body.workOrderId}/report.pdf`)).status).toBe(404);
    expect((await suite.app.http().post(`/api/appointments/${booked.body.id}/cancel`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf)).status).toBe(404);
    expect((await get('/portal')).text).not.toContain(booked.body.workOrderNumber);
    // and Bob sees his visit
    expect((await suite.app.http().get('/portal').set('Cookie', b.cookie)).text).toContain(booked.body.workOrderNumber);
  });

  it('registers a unit from the label\'s QR code; a duplicate serial is answered with a clear message', async () => {
    const s = await signIn('alice@example.org');
    const form = await suite.app.http().get('/portal/register?model=DW-600&serial=DW-QR-0001').set('Cookie', s.cookie);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="DW-QR-0001"');
    const post = () => suite.app.http().post('/portal/register?lang=en').set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, model: 'DW-600', serial: 'DW-QR-0001', purchaseDate: '2026-11-01' });
    const first = await post();
    expect(first.status).toBe(303);
    const unit = await suite.app.http().get(first.headers.location).set('Cookie', s.cookie);
    expect(unit.text).toContain('DW-QR-0001');
    expect(unit.text).toMatch(/return, exchange, free repair|exchange, free repair|free repair/);
    const dup = await post();
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('This serial number is already registered');
  });
});
