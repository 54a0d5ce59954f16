import twilio from 'twilio';
import { startTestApp, TestApp } from '../helpers/harness';

const PUBLIC_URL = 'https://help.example.com';
const TOKEN = 'twilio-test-token';
const HOTLINE_EN = '+18005550199';
const HOTLINE_ZH = '+864008208820';
const PBX_TOKEN = 'pbx-static-token-0123456789';

describe('hotline: Twilio Voice webhooks and the PBX API', () => {
  let app: TestApp;
  let seq = 0;
  beforeAll(async () => {
    app = await startTestApp({ env: { PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKEN, PBX_API_TOKEN: PBX_TOKEN } });
  });
  afterAll(() => app.close());

  const callSid = () => `CA${Date.now().toString(16)}${(++seq).toString().padStart(6, '0')}`;
  /** A request as Twilio's cloud sends it: form-encoded, signed over PUBLIC_URL + path. */
  const twilioPost = (path: string, params: Record<string, string>, signature?: string) =>
    app
      .http()
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', signature ?? twilio.getExpectedTwilioSignature(TOKEN, PUBLIC_URL + path, params))
      .send(params);
  const call = (callId: string) => app.c.models.Ticket.db.model('Call').findOne({ callId }).lean() as Promise<any>;
  const timeline = async (number: number) => (await (await app.as('admin@demo.local')).get(`/api/tickets/${number}/messages`)).body.messages as any[];
  const ticketOf = async (callId: string) => {
    const c = await call(callId);
    return app.c.models.Ticket.findById(c.ticketId).lean();
  };

  it('answers a correctly signed incoming call with the greeting and the IVR menu in the hotline\'s language', async () => {
    const CallSid = callSid();
    const res = await twilioPost('/webhooks/voice/twilio/incoming', { CallSid, From: '+8613700001111', To: HOTLINE_ZH, CallStatus: 'ringing', AccountSid: 'AC123' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text).toMatch(/<Gather [^>]*numDigits="1"[^>]*action="https:\/\/help\.example\.com\/webhooks\/voice\/twilio\/menu"/);
    expect(res.text).toContain('<Say language="zh-CN">');
    expect(res.text).toContain('技术支持请按1');
    expect(res.text).toContain('<Redirect method="POST">https://help.example.com/webhooks/voice/twilio/menu</Redirect>');

    const en = await twilioPost('/webhooks/voice/twilio/incoming', { CallSid: callSid(), From: '+4420790000001', To: HOTLINE_EN, CallStatus: 'ringing' });
    expect(en.text).toContain('<Say language="en-US">');
    expect(en.text).toContain('For technical support, press 1');

    // the call is on a new voice ticket of a customer named by the number
    const t = await ticketOf(CallSid);
    expect(t).toMatchObject({ channel: 'voice', team: 'support' });
    const customer = await app.c.models.Customer.findById(t!.customerId).lean();
    expect(customer).toMatchObject({ name: '+8613700001111', phones: ['+8613700001111'] });
    expect((await timeline(t!.number)).some((m) => m.body.includes('Incoming call from +8613700001111'))).toBe(true);
  });

  it('refuses a forged or missing signature with 403 and stores nothing', async () => {
    const tickets = await app.c.models.Ticket.countDocuments();
    const CallSid = callSid();
    const params = { CallSid, From: '+8613700002222', To: HOTLINE_ZH, CallStatus: 'ringing' };
    const forged = await twilioPost('/webhooks/voice/twilio/incoming', params, twilio.getExpectedTwilioSignature('not-the-token', PUBLIC_URL + '/webhooks/voice/twilio/incoming', params));
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('invalid_signature');
    // signed for other parameters than those sent
    const tampered = await twilioPost('/webhooks/voice/twilio/incoming', { ...params, From: '+8613700009999' }, twilio.getExpectedTwilioSignature(TOKEN, PUBLIC_URL + '/webhooks/voice/twilio/incoming', params));
    expect(tampered.status).toBe(403);
    const missing = await app.http().post('/webhooks/voice/twilio/status').type('form').send({ CallSid, CallStatus: 'no-answer', From: '+8613700002222' });
    expect(missing.status).toBe(403);
    expect(await call(CallSid)).toBeNull();
    expect(await app.c.models.Ticket.countDocuments()).toBe(tickets);
  });

  it('routes the IVR digit to its team and rings the team\'s online agents, else offers voicemail', async () => {
    const agent1 = await app.c.models.Agent.findOne({ email: 'agent1@demo.local' });
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.put('/api/agents/me/presence').send({ status: 'online' })).status).toBe(200);
    const CallSid = callSid();
    await twilioPost('/webhooks/voice/twilio/incoming', { CallSid, From: '+8613700003333', To: HOTLINE_EN, CallStatus: 'ringing' });
    const menu = await twilioPost('/webhooks/voice/twilio/menu', { CallSid, From: '+8613700003333', To: HOTLINE_EN, Digits: '1' });
    expect(menu.status).toBe(200);
    expect(menu.text).toMatch(/<Dial timeout="30" action="https:\/\/help\.example\.com\/webhooks\/voice\/twilio\/dial"/);
    expect(menu.text).toContain(`<Client statusCallbackEvent="answered" statusCallback="https://help.example.com/webhooks/voice/twilio/answered" statusCallbackMethod="POST">agent_${agent1!._id}</Client>`);
    expect((await call(CallSid)).team).toBe('tech');
    expect((await ticketOf(CallSid))!.team).toBe('tech');

    // agent1's softphone picks up; the call ends after two minutes: no callback task
    const answered = await twilioPost('/webhooks/voice/twilio/answered', { CallSid: 'CAchild1', ParentCallSid: CallSid, To: `client:agent_${agent1!._id}`, CallStatus: 'in-progress' });
    expect(answered.status).toBe(204);
    await twilioPost('/webhooks/voice/twilio/status', { CallSid, From: '+8613700003333', To: HOTLINE_EN, CallStatus: 'completed', CallDuration: '120' });
    const done = await call(CallSid);
    expect(done).toMatchObject({ status: 'answered', agentId: agent1!._id, durationSec: 120 });
    expect(done.waitSec).toBeGreaterThanOrEqual(0);
    expect(await app.c.models.Ticket.db.model('Callback').countDocuments({ dedupeKey: `call:${CallSid}` })).toBe(0);

    // returns (3): nobody of that team is online, so the caller hears the voicemail offer at once
    const other = callSid();
    await twilioPost('/webhooks/voice/twilio/incoming', { CallSid: other, From: '+8613700004444', To: HOTLINE_ZH, CallStatus: 'ringing' });
    const noAgents = await twilioPost('/webhooks/voice/twilio/menu', { CallSid: other, From: '+8613700004444', To: HOTLINE_ZH, Digits: '3' });
    expect(noAgents.text).toContain('退换货服务');
    expect(noAgents.text).toMatch(/<Record [^>]*recordingStatusCallback="https:\/\/help\.example\.com\/webhooks\/voice\/twilio\/recording"/);
    await a1.put('/api/agents/me/presence').send({ status: 'offline' });
  });

  it('CallStatus=no-answer puts a missed-call task on the caller\'s open ticket, once', async () => {
    const a1 = await app.as('agent1@demo.local');
    const { body: open } = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Fridge noisy', body: 'Customer called about a noisy fridge', customer: { name: 'Li Lei', phone: '+86 137 0000 5555' }, team: 'support' });
    const CallSid = callSid();
    await twilioPost('/webhooks/voice/twilio/incoming', { CallSid, From: '+8613700005555', To: HOTLINE_EN, CallStatus: 'ringing' });
    const status = { CallSid, From: '+8613700005555', To: HOTLINE_EN, CallStatus: 'no-answer', CallDuration: '0' };
    expect((await twilioPost('/webhooks/voice/twilio/status', status)).status).toBe(204);
    expect((await twilioPost('/webhooks/voice/twilio/status', status)).status).toBe(204); // Twilio retries

    expect((await call(CallSid)).ticketId.toString()).toBe(open.id);
    const list = await a1.get(`/api/callbacks?ticketNumber=${open.number}`);
    expect(list.status).toBe(200);
    expect(list.body.callbacks).toHaveLength(1);
    expect(list.body.callbacks[0]).toMatchObject({ ticketNumber: open.number, kind: 'missed_call', phone: '+8613700005555', team: 'support', attempts: [] });
    expect(['scheduled', 'due']).toContain(list.body.callbacks[0].status);
    const events = await timeline(open.number);
    expect(events.filter((m) => m.body.startsWith('Missed call'))).toHaveLength(1);
    expect(events.some((m) => m.body.startsWith('Callback (missed_call) scheduled'))).toBe(true);
  });

  it('a recording callback attaches the voicemail URL to the ticket and the call', async () => {
    const CallSid = callSid();
    const From = '+8613700006666';
    await twilioPost('/webhooks/voice/twilio/incoming', { CallSid, From, To: HOTLINE_ZH, CallStatus: 'ringing' });
    const dial = await twilioPost('/webhooks/voice/twilio/dial', { CallSid, From, To: HOTLINE_ZH, DialCallStatus: 'no-answer' });
    expect(dial.text).toContain('<Record');
    expect(dial.text).toContain('请在提示音后留言');
    const url = `https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE${seq}`;
    const rec = await twilioPost('/webhooks/voice/twilio/recording', { CallSid, RecordingSid: `RE${seq}`, RecordingUrl: url, RecordingStatus: 'completed', RecordingDuration: '17' });
    expect(rec.status).toBe(204);
    await twilioPost('/webhooks/voice/twilio/recording', { CallSid, RecordingSid: `RE${seq}`, RecordingUrl: url, RecordingStatus: 'completed', RecordingDuration: '17' });
    await twilioPost('/webhooks/voice/twilio/status', { CallSid, From, To: HOTLINE_ZH, CallStatus: 'completed', CallDuration: '45' });

    expect(await call(CallSid)).toMatchObject({ status: 'voicemail', recordingUrl: url, recordingDurationSec: 17 });
    const t = await ticketOf(CallSid);
    const events = await timeline(t!.number);
    expect(events.filter((m) => m.body.includes(url))).toHaveLength(1);
    const cbs = await (await app.as('admin@demo.local')).get(`/api/callbacks?ticketNumber=${t!.number}`);
    expect(cbs.body.callbacks).toHaveLength(1);
    expect(cbs.body.callbacks[0]).toMatchObject({ kind: 'voicemail', phone: From });
  });

  it('a PBX call.missed event does the same, with a static token or an admin\'s token only', async () => {
    const ev = { event: 'call.missed', callId: `pbx-${++seq}`, from: '+86 21 5555 0101', to: HOTLINE_ZH };
    expect((await app.http().post('/api/voice/events').send(ev)).status).toBe(401);
    const agent = await app.as('agent1@demo.local');
    expect((await agent.post('/api/voice/events').send(ev)).status).toBe(403);
    expect((await app.http().post('/api/voice/events').set('Authorization', 'Bearer wrong-token').send(ev)).status).toBe(401);
    const bad = await app.http().post('/api/voice/events').set('Authorization', `Bearer ${PBX_TOKEN}`).send({ ...ev, event: 'call.exploded' });
    expect(bad.status).toBe(400);
    expect(await call(ev.callId)).toBeNull();

    const res = await app.http().post('/api/voice/events').set('Authorization', `Bearer ${PBX_TOKEN}`).send(ev);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ callId: ev.callId, status: 'missed' });
    expect(res.body.callbackId).toEqual(expect.any(String));
    const admin = await app.as('admin@demo.local');
    const vm = await admin.post('/api/voice/events').send({ event: 'voicemail', callId: ev.callId, from: ev.from, to: ev.to, recordingUrl: 'https://pbx.example.com/vm/0101.wav', durationSec: 9 });
    expect(vm.status).toBe(202);
    expect(vm.body).toMatchObject({ status: 'voicemail', ticketNumber: res.body.ticketNumber, callbackId: res.body.callbackId });
    const cbs = await admin.get(`/api/callbacks?ticketNumber=${res.body.ticketNumber}`);
    expect(cbs.body.callbacks).toEqual([expect.objectContaining({ id: res.body.callbackId, kind: 'voicemail', phone: '+862155550101' })]);
    expect((await timeline(res.body.ticketNumber)).some((m) => m.body.includes('https://pbx.example.com/vm/0101.wav'))).toBe(true);
  });

  it('a PBX answered call records who answered and how long the caller waited', async () => {
    const callId = `pbx-${++seq}`;
    const send = (body: object) => app.http().post('/api/voice/events').set('Authorization', `Bearer ${PBX_TOKEN}`).send(body);
    expect((await send({ event: 'call.ringing', callId, from: '+8613700007777', to: HOTLINE_EN, team: 'tech' })).status).toBe(202);
    const answered = await send({ event: 'call.answered', callId, from: '+8613700007777', to: HOTLINE_EN, agent: 'agent1@demo.local' });
    expect(answered.body).toMatchObject({ status: 'answered', callbackId: null });
    await send({ event: 'call.ended', callId, from: '+8613700007777', to: HOTLINE_EN, durationSec: 300 });
    const agent1 = await app.c.models.Agent.findOne({ email: 'agent1@demo.local' });
    expect(await call(callId)).toMatchObject({ status: 'answered', team: 'tech', agentId: agent1!._id, durationSec: 300 });
    const t = await ticketOf(callId);
    expect(t).toMatchObject({ team: 'tech', channel: 'voice' });
    expect(String(t!.assigneeId)).toBe(String(agent1!._id));
  });

  it('documents the voice and callback endpoints in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/openapi.json')).body;
    for (const p of ['/webhooks/voice/twilio/incoming', '/webhooks/voice/twilio/status', '/webhooks/voice/twilio/recording', '/api/voice/events', '/api/callbacks', '/api/callbacks/{id}/attempts']) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(doc.paths['/api/voice/events'].post.requestBody.content['application/json'].schema.properties.event.enum).toContain('call.missed');
  });
});
