import twilio from 'twilio';
import { tencentCallbackToken } from '../../src/channels/sms/sms.routes';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { FakeSms, startFakeSms } from '../helpers/fake-sms';

const PUBLIC_URL = 'https://help.example.com';
const SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH = 'twilio-sms-auth-token';
const ZHANG = '+8613800138000'; // demo customer 张伟, zh-CN
const EMMA = '+442079460018'; // demo customer Emma Clarke, en

describe('SMS through Twilio', () => {
  let fake: FakeSms;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeSms({ twilio: { sid: SID, token: AUTH } });
    app = await startTestApp({ env: { PUBLIC_URL, SMS_URL: `twilio://${SID}:${AUTH}@api.twilio.com?from=%2B15550006666&base=${encodeURIComponent(fake.url)}` } });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const form = (path: string, params: Record<string, string>, token = AUTH) =>
    app.http().post(path).type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(token, PUBLIC_URL + path, params)).send(params);
  const customerId = async (phone: string) => String((await app.c.customers.findByContact({ phone }))!._id);

  it('sends the appointment confirmation in each customer\'s language and follows the delivery callbacks', async () => {
    const agent = await app.as('supervisor@demo.local');
    const zh = await agent.post('/api/sms').send({ customerId: await customerId(ZHANG), template: 'appointment-confirmed', vars: { number: 1042, window: '12月3日 09:00–11:00' } });
    expect(zh.status).toBe(201);
    expect(zh.body).toMatchObject({ to: ZHANG, locale: 'zh-CN', status: 'queued', provider: 'twilio' });
    const en = await agent.post('/api/sms').send({ customerId: await customerId(EMMA), template: 'appointment-confirmed', vars: { number: 1043, window: '3 Dec 09:00–11:00' } });
    expect(en.body.locale).toBe('en');

    const zhSent = await eventually(async () => fake.twilio.find((f) => f.To === ZHANG));
    expect(zhSent).toMatchObject({ From: '+15550006666', Body: '您的上门服务预约已确认（工单 #1042）：12月3日 09:00–11:00。回复“退订”不再接收短信。', StatusCallback: `${PUBLIC_URL}/webhooks/sms/twilio/status` });
    const enSent = await eventually(async () => fake.twilio.find((f) => f.To === EMMA));
    expect(enSent.Body).toBe('Your service appointment for ticket #1043 is confirmed: 3 Dec 09:00–11:00. Reply STOP to opt out.');

    const sent = await eventually(async () => ((await agent.get(`/api/sms/${zh.body.id}`)).body.status === 'sent' ? (await agent.get(`/api/sms/${zh.body.id}`)).body : null));
    expect(sent.providerId).toMatch(/^SM/);

    expect((await form('/webhooks/sms/twilio/status', { MessageSid: sent.providerId, MessageStatus: 'delivered' }, 'forged-token')).status).toBe(403);
    expect((await form('/webhooks/sms/twilio/status', { MessageSid: sent.providerId, MessageStatus: 'delivered' })).status).toBe(204);
    // a late "sent" after "delivered" does not move it back
    await form('/webhooks/sms/twilio/status', { MessageSid: sent.providerId, MessageStatus: 'sent' });
    const final = (await agent.get(`/api/sms/${zh.body.id}`)).body;
    expect(final.status).toBe('delivered');
    expect(final.events.map((e: { status: string }) => e.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('honours STOP: the number is opted out and nothing more is sent to it; START opts back in', async () => {
    const phone = '+15557770001';
    const agent = await app.as('supervisor@demo.local');
    const reply = await form('/webhooks/sms/twilio/inbound', { From: phone, To: '+15550006666', Body: 'stop', MessageSid: 'SMreply1' });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('<Response>');
    expect((await agent.get(`/api/sms-opt-outs/${encodeURIComponent(phone)}`)).body.optedOut).toBe(true);

    const before = fake.twilio.length;
    const res = await agent.post('/api/sms').send({ phone, template: 'survey-link', vars: { number: 7, url: 'https://help.example.com/survey/x' }, locale: 'en' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'failed', error: 'opted_out' });
    expect(fake.twilio.length).toBe(before);

    await form('/webhooks/sms/twilio/inbound', { From: phone, Body: 'START', MessageSid: 'SMreply2' });
    const again = await agent.post('/api/sms').send({ phone, template: 'survey-link', vars: { number: 7, url: 'https://help.example.com/survey/x' }, locale: 'en' });
    expect(again.body.status).toBe('queued');
    await eventually(async () => fake.twilio.length === before + 1);
  });

  it('retries a provider outage with backoff, fails a refused number without retrying', async () => {
    const agent = await app.as('supervisor@demo.local');
    fake.failTwilio(503, 20503);
    const retried = await agent.post('/api/sms').send({ phone: '+15557770002', template: 'status-link', vars: { number: 9, url: 'https://help.example.com/status/t' }, locale: 'en' });
    await eventually(async () => (await agent.get(`/api/sms/${retried.body.id}`)).body.status === 'sent', 30_000);

    fake.failTwilio(400, 21211);
    const refused = await agent.post('/api/sms').send({ phone: '+15557770003', template: 'status-link', vars: { number: 9, url: 'u' }, locale: 'en' });
    const failed = await eventually(async () => ((await agent.get(`/api/sms/${refused.body.id}`)).body.status === 'failed' ? (await agent.get(`/api/sms/${refused.body.id}`)).body : null));
    expect(failed.error).toMatch(/21211/);
  }, 45_000);

  it('limits text messages per number and hour', async () => {
    const agent = await app.as('supervisor@demo.local');
    const send = () => agent.post('/api/sms').send({ phone: '+15557770004', template: 'status-link', vars: { number: 1, url: 'u' }, locale: 'en' });
    for (let i = 0; i < 5; i++) expect((await send()).status).toBe(201);
    const over = await send();
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
  });

  it('lets an agent text only about a ticket of their teams, and read only those texts', async () => {
    const lead = await app.as('supervisor@demo.local');
    const agent2 = await app.as('agent2@demo.local'); // complaints and returns
    const agent1 = await app.as('agent1@demo.local'); // support and tech
    const body = { phone: '+15557770006', template: 'status-link', vars: { number: 1, url: 'u' }, locale: 'en' };
    expect((await agent1.post('/api/sms').send(body)).status).toBe(403);
    const support = (await app.c.models.Ticket.findOne({ team: 'support' }))!;
    const own = await agent1.post('/api/sms').send({ ...body, ticketNumber: support.number });
    expect(own.status).toBe(201);
    expect((await agent1.get(`/api/sms/${own.body.id}`)).status).toBe(200);
    expect((await agent2.get(`/api/sms/${own.body.id}`)).status).toBe(404);
    // another team's ticket: refused (403 today; 404 once tickets of other teams are hidden everywhere)
    expect([403, 404]).toContain((await agent2.post('/api/sms').send({ ...body, ticketNumber: support.number })).status);
    const loose = await lead.post('/api/sms').send({ ...body, phone: '+15557770007' });
    expect((await agent1.get(`/api/sms/${loose.body.id}`)).status).toBe(404);
  });

  it('turns a customer\'s answer into a message on the ticket the text was about, stored once; a stranger\'s text opens a ticket', async () => {
    const agent1 = await app.as('agent1@demo.local');
    const ticket = (await app.c.models.Ticket.findOne({ team: 'support', status: { $in: ['new', 'open'] } }))!;
    const phone = '+15557770008';
    expect((await agent1.post('/api/sms').send({ phone, template: 'status-link', vars: { number: ticket.number, url: 'u' }, locale: 'en', ticketNumber: ticket.number })).status).toBe(201);
    const params = { From: phone, To: '+15550006666', Body: 'Tomorrow at 10 works for me.', MessageSid: 'SManswer1' };
    const answered = await form('/webhooks/sms/twilio/inbound', params);
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('<Response>');
    // Twilio retries a callback it did not see answered: the second delivery stores nothing new
    expect((await form('/webhooks/sms/twilio/inbound', params)).status).toBe(200);
    const timeline = (await agent1.get(`/api/tickets/${ticket.number}/messages`)).body.messages.filter((m: { body: string }) => m.body === 'Tomorrow at 10 works for me.');
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ channel: 'sms', author: { type: 'customer' } });

    // a number we never texted: a new ticket for the support team, which the next text continues
    const stranger = '+15557770009';
    await form('/webhooks/sms/twilio/inbound', { From: stranger, Body: 'My dryer shows E21', MessageSid: 'SMnew1' });
    const opened = await eventually(async () => app.c.models.Ticket.findOne({ subject: 'My dryer shows E21' }));
    expect(opened).toMatchObject({ channel: 'sms', team: 'support' });
    await form('/webhooks/sms/twilio/inbound', { From: stranger, Body: 'It is a DR-300', MessageSid: 'SMnew2' });
    const bodies = (await agent1.get(`/api/tickets/${opened!.number}/messages`)).body.messages.map((m: { body: string }) => m.body);
    expect(bodies).toEqual(expect.arrayContaining(['My dryer shows E21', 'It is a DR-300']));
    expect(await app.c.models.Ticket.countDocuments({ subject: 'It is a DR-300' })).toBe(0);
    // "YES" from a number that never opted out is an answer, not a keyword
    await form('/webhooks/sms/twilio/inbound', { From: stranger, Body: 'Yes', MessageSid: 'SMnew3' });
    expect((await agent1.get(`/api/tickets/${opened!.number}/messages`)).body.messages.map((m: { body: string }) => m.body)).toContain('Yes');
  });

  it('sends the same reference once', async () => {
    const agent = await app.as('supervisor@demo.local');
    const body = { phone: '+15557770005', template: 'engineer-on-the-way', vars: { engineer: 'Li', eta: '10:30', number: 12 }, locale: 'en', reference: 'wo-12-depart' };
    const a = await agent.post('/api/sms').send(body);
    const b = await agent.post('/api/sms').send(body);
    expect(b.body.id).toBe(a.body.id);
    await eventually(async () => fake.twilio.some((f) => f.To === '+15557770005'));
    expect(fake.twilio.filter((f) => f.To === '+15557770005')).toHaveLength(1);
  });
});

describe('SMS through Tencent Cloud', () => {
  let fake: FakeSms;
  let app: TestApp;
  const SECRET_ID = 'AKIDtestTencentSecretId0001';
  const SECRET_KEY = 'tencentSecretKeyForTests';

  beforeAll(async () => {
    fake = await startFakeSms({ tencent: { id: SECRET_ID, key: SECRET_KEY } });
    const q = new URLSearchParams({ appId: '1400006666', sign: '售后服务', region: 'ap-guangzhou', 'tpl.engineer-on-the-way': '880001', 'tpl.engineer-on-the-way.en': '880002', base: fake.url });
    app = await startTestApp({ env: { PUBLIC_URL, SMS_URL: `tencent://${SECRET_ID}:${SECRET_KEY}@sms.tencentcloudapi.com?${q}` } });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it('sends with a signed SendSms request, the template of the customer\'s language, and takes delivery reports and 退订', async () => {
    const agent = await app.as('supervisor@demo.local');
    const zhang = String((await app.c.customers.findByContact({ phone: ZHANG }))!._id);
    const res = await agent.post('/api/sms').send({ customerId: zhang, template: 'engineer-on-the-way', vars: { engineer: '王师傅', eta: '10:30', number: 1042 } });
    expect(res.status).toBe(201);
    const req = await eventually(async () => fake.tencent[0]);
    expect(req).toMatchObject({ PhoneNumberSet: [ZHANG], SmsSdkAppId: '1400006666', SignName: '售后服务', TemplateId: '880001', TemplateParamSet: ['王师傅', '10:30', '1042'] });
    const emma = String((await app.c.customers.findByContact({ phone: EMMA }))!._id);
    await agent.post('/api/sms').send({ customerId: emma, template: 'engineer-on-the-way', vars: { engineer: 'Li', eta: '10:30', number: 1043 } });
    expect((await eventually(async () => fake.tencent[1])).TemplateId).toBe('880002');

    const sent = await eventually(async () => ((await agent.get(`/api/sms/${res.body.id}`)).body.providerId ? (await agent.get(`/api/sms/${res.body.id}`)).body : null));
    const token = tencentCallbackToken(app.config.sessionSecret);
    const urls = (await (await app.as('admin@demo.local')).get('/api/sms/callbacks')).body;
    expect(urls.statusUrl).toBe(`${PUBLIC_URL}/webhooks/sms/tencent/status?token=${token}`);
    const report = [{ user_receive_time: '2026-12-01 10:00:00', nationcode: '86', mobile: '13800138000', report_status: 'SUCCESS', errmsg: 'DELIVRD', description: '用户短信送达成功', sid: sent.providerId }];
    expect((await app.http().post('/webhooks/sms/tencent/status').query({ token: 'wrong' }).send(report)).status).toBe(403);
    const ok = await app.http().post('/webhooks/sms/tencent/status').query({ token }).send(report);
    expect(ok.body).toEqual({ result: 0, errmsg: 'OK' });
    expect((await agent.get(`/api/sms/${res.body.id}`)).body.status).toBe('delivered');

    // an answer that is not a keyword is 张伟 writing: stored once however often Tencent calls back
    const answer = { extend: '', mobile: '13800138000', nationcode: '86', sign: '售后服务', text: '明天上午家里有人', time: 1764583100 };
    for (let i = 0; i < 2; i++) await app.http().post('/webhooks/sms/tencent/reply').query({ token }).send(answer).expect(200);
    const stored = await app.c.models.Message.find({ body: '明天上午家里有人' }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ channel: 'sms', author: { type: 'customer' } });
    expect(String((await app.c.models.Ticket.findById(stored[0].ticketId))!.customerId)).toBe(zhang);
    await app.http().post('/webhooks/sms/tencent/reply').query({ token }).send({ extend: '', mobile: '13800138000', nationcode: '86', sign: '售后服务', text: '退订', time: 1764583200 }).expect(200);
    const blocked = await agent.post('/api/sms').send({ customerId: zhang, template: 'engineer-on-the-way', vars: { engineer: '王师傅', eta: '11:00', number: 1042 } });
    expect(blocked.body).toMatchObject({ status: 'failed', error: 'opted_out' });
  });
});
