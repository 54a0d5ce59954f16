import twilio from 'twilio';
import { startSink } from '../fixtures/mail/sink';
import { appSuite } from '../helpers/app-suite';

const PUBLIC_URL = 'https://help.example.com';
const TWILIO_TOKEN = 'twilio-test-token';

/** The settings a manager runs the department with: every change validated with field errors and audited. */
describe('settings API: SLA policies, calendars, teams, agents, canned responses, hotline, audit', () => {
  const suite = appSuite({ app: { env: { PUBLIC_URL, TWILIO_AUTH_TOKEN: TWILIO_TOKEN } }, mail: startSink });

  const audit = async (entity: string) => (await (await suite.app.as('admin@demo.local')).get(`/api/settings/audit?entity=${entity}&limit=50`)).body.entries as any[];

  it('orders policies, previews which one a sample ticket gets and when it falls due, and audits each change', async () => {
    const manager = await suite.app.as('manager@demo.local');
    const cal = await manager.post('/api/calendars').send({
      name: 'two-shifts',
      timeZone: 'Asia/Shanghai',
      weekly: [1, 2, 3, 4, 5].flatMap((day) => [{ day, from: '09:00', to: '12:00' }, { day, from: '13:00', to: '18:00' }]),
      holidays: [{ date: '2030-10-01', name: '国庆节' }],
      workdays: [{ date: '2030-09-29', like: 1, name: '调休' }],
    });
    expect(cal.status).toBe(201);
    const days = await manager.get('/api/calendars/two-shifts/days?from=2030-09-28&days=4');
    expect(days.body.days.map((d: { date: string; kind: string }) => [d.date, d.kind])).toEqual([
      ['2030-09-28', 'closed'],
      ['2030-09-29', 'makeup'],
      ['2030-09-30', 'open'],
      ['2030-10-01', 'holiday'],
    ]);
    expect(days.body.days[1]).toMatchObject({ name: '调休', hours: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }] });

    const p = await manager.post('/api/sla-policies').send({ name: 'Warranty in business hours', order: 999, match: { type: 'warranty' }, targets: { firstResponse: 'PT2H', resolution: 'P1D' }, calendar: 'two-shifts' });
    expect(p.status).toBe(201);
    // last in the order, the catch-all policy before it wins
    const sample = { type: 'warranty', priority: 'normal', channel: 'email', team: 'support', at: '2030-10-08T03:00:00Z' };
    const first = await manager.post('/api/sla-policies/preview').send(sample);
    expect(first.status).toBe(200);
    expect(first.body.policy.name).not.toBe('Warranty in business hours');
    // moved to the front, it is the one a warranty ticket gets
    const list = (await manager.get('/api/sla-policies')).body.policies as { id: string; name: string }[];
    const moved = await manager.post('/api/sla-policies/order').send({ ids: [p.body.id] });
    expect(moved.status).toBe(200);
    expect(moved.body.policies[0]).toMatchObject({ id: p.body.id, order: 10 });
    expect(moved.body.policies.map((x: { id: string }) => x.id).sort()).toEqual(list.map((x) => x.id).sort());
    // Tuesday 2030-10-08 11:00 in Shanghai (03:00 UTC): one hour before lunch, one after it
    const preview = await manager.post('/api/sla-policies/preview').send(sample);
    expect(preview.body.policy.name).toBe('Warranty in business hours');
    expect(preview.body.calendar).toBe('two-shifts');
    expect(preview.body.due.firstResponse).toBe('2030-10-08T06:00:00.000Z'); // 14:00 local
    // a real ticket of the same kind gets the same policy
    const a1 = await suite.app.as('agent1@demo.local');
    const t = await a1.post('/api/tickets').send({ channel: 'email', subject: 'Warranty card lost', body: 'x', type: 'warranty', customer: { name: 'W' } });
    expect(t.body.sla.policy).toBe('Warranty in business hours');

    // the API's own errors name the field
    const bad = await manager.post('/api/sla-policies').send({ name: 'Broken', order: 1, targets: { firstResponse: 'PT1H' }, calendar: 'no-such' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'calendar', code: 'unknown_calendar' })]);
    const badCal = await manager.post('/api/calendars').send({ name: 'bad', timeZone: 'Mars/Olympus', weekly: [{ day: 1, from: '18:00', to: '09:00' }] });
    expect(badCal.status).toBe(400);
    expect(badCal.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'timeZone', code: 'unknown_time_zone' }), expect.objectContaining({ path: 'weekly.0.to', code: 'interval_order' })]));
    // agents and supervisors read, only managers change
    expect((await (await suite.app.as('supervisor@demo.local')).post('/api/sla-policies/order').send({ ids: [p.body.id] })).status).toBe(403);

    const entries = await audit('sla_policy');
    expect(entries.map((e) => e.action)).toEqual(['reordered', 'created']);
    expect(entries[1]).toMatchObject({ key: p.body.id, actor: { name: 'Wang Min (王敏)' }, after: { name: 'Warranty in business hours', calendar: 'two-shifts' } });
    expect((await audit('calendar'))[0]).toMatchObject({ key: 'two-shifts', action: 'created' });
  });

  it('keeps a support address on one team and audits team changes', async () => {
    const manager = await suite.app.as('manager@demo.local');
    const created = await manager.post('/api/teams').send({ key: 'install', name: 'Installation', nameZh: '安装', addresses: ['install@demo.local'] });
    expect(created.status).toBe(201);
    const taken = await manager.patch('/api/teams/install').send({ addresses: ['install@demo.local', 'SUPPORT@demo.local'] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'address_taken', details: [{ path: 'addresses.1', code: 'address_taken' }] });
    expect((await manager.patch('/api/teams/install').send({ name: 'Installation and repair' })).status).toBe(200);
    const entries = await audit('team');
    expect(entries[0]).toMatchObject({ key: 'install', action: 'updated', before: { name: 'Installation' }, after: { name: 'Installation and repair' } });
  });

  it('invites an agent by mail: the link sets a password once, then the agent signs in in their language', async () => {
    const manager = await suite.app.as('manager@demo.local');
    const res = await manager.post('/api/agents').send({ name: 'Zhou Ping (周平)', email: 'zhou.ping@demo.local', role: 'agent', teams: ['support'], locale: 'zh-CN' });
    expect(res.status).toBe(201);
    const mail = await suite.sink.next((m) => m.rcpt.includes('zhou.ping@demo.local'));
    expect(mail.parsed.subject).toContain('邀请');
    const token = /#\/password\/([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')?.[1];
    expect(token).toBeTruthy();
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/console#/password/${token}`);
    expect((await suite.app.http().post('/api/auth/login').send({ email: 'zhou.ping@demo.local', password: 'chosen-password-1' })).status).toBe(401);
    expect((await suite.app.http().get(`/api/auth/password?token=${token}`)).body).toEqual({ name: 'Zhou Ping (周平)', email: 'zhou.ping@demo.local', purpose: 'invite' });
    const short = await suite.app.http().post('/api/auth/password').send({ token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0]).toMatchObject({ path: 'password', code: 'too_small' });
    expect((await suite.app.http().post('/api/auth/password').send({ token, password: 'chosen-password-1' })).status).toBe(200);
    const again = await suite.app.http().post('/api/auth/password').send({ token, password: 'chosen-password-2' });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('link_expired');
    const login = await suite.app.http().post('/api/auth/login').send({ email: 'zhou.ping@demo.local', password: 'chosen-password-1' });
    expect(login.status).toBe(200);
    expect(login.body.agent.locale).toBe('zh-CN');

    // a reset link ends the agent's sessions once used
    const id = res.body.id as string;
    expect((await manager.post(`/api/agents/${id}/password-reset`)).status).toBe(202);
    const reset = await suite.sink.next((m) => m.rcpt.includes('zhou.ping@demo.local') && /重置|新密码/.test(m.parsed.subject ?? ''));
    const resetToken = /#\/password\/([A-Za-z0-9_-]+)/.exec(reset.parsed.text ?? '')![1];
    expect((await suite.app.http().post('/api/auth/password').send({ token: resetToken, password: 'another-password-3' })).status).toBe(200);
    expect((await suite.app.http().get('/api/auth/me').set('Authorization', `Bearer ${login.body.token}`)).status).toBe(401);

    // deactivation signs out at once; the audit trail says who did what, never a password
    const zhou = await suite.app.as('zhou.ping@demo.local').catch(() => null);
    expect(zhou).toBeNull(); // the old password no longer works
    expect((await manager.patch(`/api/agents/${id}`).send({ active: false })).status).toBe(200);
    const entries = await audit('agent');
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['created', 'invited', 'password_reset', 'deactivated']));
    expect(JSON.stringify(entries)).not.toMatch(/passwordHash|chosen-password/);
  });

  it('lets a manager manage agents but not admins, and a supervisor only the chat capacity of their team', async () => {
    const manager = await suite.app.as('manager@demo.local');
    const sup = await suite.app.as('supervisor@demo.local');
    const agents = (await manager.get('/api/agents')).body.agents as { id: string; email: string }[];
    const admin = agents.find((a) => a.email === 'admin@demo.local')!;
    const agent1 = agents.find((a) => a.email === 'agent1@demo.local')!;
    expect((await manager.patch(`/api/agents/${admin.id}`).send({ teams: ['support'] })).status).toBe(403);
    expect((await manager.post('/api/agents').send({ name: 'X', email: 'x@demo.local', role: 'admin', teams: [] })).status).toBe(403);
    expect((await sup.patch(`/api/agents/${agent1.id}`).send({ chatCapacity: 5 })).status).toBe(200);
    expect((await sup.patch(`/api/agents/${agent1.id}`).send({ role: 'supervisor' })).status).toBe(403);
    const unknownTeam = await manager.patch(`/api/agents/${agent1.id}`).send({ teams: ['support', 'nope'] });
    expect(unknownTeam.status).toBe(400);
    expect(unknownTeam.body.error.details).toEqual([expect.objectContaining({ path: 'teams.1', code: 'unknown_team' })]);
  });

  it('keeps canned responses per team and language: supervisors for their teams, managers for all', async () => {
    const sup = await suite.app.as('supervisor@demo.local');
    const manager = await suite.app.as('manager@demo.local');
    const agent2 = await suite.app.as('agent2@demo.local');
    const created = await sup.post('/api/canned-responses').send({ title: '上门时间确认', body: '{{customer.name}}，您好！工程师将于明天上午上门。', locale: 'zh-CN', team: 'tech' });
    expect(created.status).toBe(201);
    expect((await sup.post('/api/canned-responses').send({ title: 'Returns', body: 'x', locale: 'en', team: 'returns' })).status).toBe(403);
    expect((await sup.post('/api/canned-responses').send({ title: 'All', body: 'x', locale: 'en', team: null })).status).toBe(403);
    const changed = await sup.put(`/api/canned-responses/${created.body.id}`).send({ title: '上门时间确认', body: '工程师将于明天下午上门。', locale: 'zh-CN', team: 'tech' });
    expect(changed.body.body).toBe('工程师将于明天下午上门。');
    const zh = await sup.get('/api/canned-responses?team=tech&locale=zh-CN');
    expect(zh.body.responses.map((r: { title: string }) => r.title)).toContain('上门时间确认');
    expect((await agent2.get('/api/canned-responses')).body.responses.map((r: { title: string }) => r.title)).not.toContain('上门时间确认');
    expect((await manager.delete(`/api/canned-responses/${created.body.id}`)).status).toBe(204);
    expect((await audit('canned_response')).map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
  });

  it('changes the hotline\'s IVR digits: the next call hears and follows the new menu', async () => {
    const manager = await suite.app.as('manager@demo.local');
    const before = await manager.get('/api/settings/voice');
    expect(before.body.menu).toEqual({ '1': 'tech', '2': 'complaints', '3': 'returns' });
    const bad = await manager.put('/api/settings/voice').send({ ...before.body, menu: { '1': 'tech', '9': 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'menu.9', code: 'unknown_team' })]);
    const put = await manager.put('/api/settings/voice').send({ menu: { '1': 'returns', '2': 'tech' }, defaultTeam: 'support', ringTimeoutSec: 25, voicemailMaxSec: 90 });
    expect(put.status).toBe(200);
    const post = (path: string, params: Record<string, string>) =>
      suite.app.http().post(path).type('form').set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TWILIO_TOKEN, PUBLIC_URL + path, params)).send(params);
    const CallSid = `CA${Date.now().toString(16)}ivr`;
    const incoming = await post('/webhooks/voice/twilio/incoming', { CallSid, From: '+8613700009999', To: '+18005550199', CallStatus: 'ringing' });
    expect(incoming.text).toContain('For returns and exchanges, press 1. For technical support, press 2.');
    expect(incoming.text).not.toContain('press 3');
    await post('/webhooks/voice/twilio/menu', { CallSid, From: '+8613700009999', To: '+18005550199', Digits: '1' });
    const call = await suite.app.c.models.Ticket.db.model('Call').findOne({ callId: CallSid }).lean<{ team: string }>();
    expect(call!.team).toBe('returns');
    expect((await audit('voice'))[0]).toMatchObject({ action: 'updated', before: { menu: { '1': 'tech', '2': 'complaints', '3': 'returns' } }, after: { menu: { '1': 'returns', '2': 'tech' }, ringTimeoutSec: 25 } });
    expect((await (await suite.app.as('supervisor@demo.local')).put('/api/settings/voice').send(put.body)).status).toBe(403);
  });

  it('saves the language on the account', async () => {
    const a1 = await suite.app.as('agent1@demo.local');
    expect((await a1.get('/api/auth/me')).body.locale).toBe('en');
    const patched = await a1.patch('/api/auth/me').send({ locale: 'zh-CN' });
    expect(patched.body.locale).toBe('zh-CN');
    expect((await a1.get('/api/auth/me')).body.locale).toBe('zh-CN');
    expect((await a1.patch('/api/auth/me').send({ locale: 'fr' })).status).toBe(400);
    await a1.patch('/api/auth/me').send({ locale: 'en' });
  });
});
