import type { ParsedMail } from 'mailparser';
import { Types } from 'mongoose';
import { MovableClock } from '../../src/infra/clock';
import { eventually, nextEvent } from '../helpers/harness';
import { startSmtpSink } from '../helpers/smtp-sink';
import { appSuite } from '../helpers/app-suite';

const SURVEY_PATH = /\/survey\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
const isSurvey = (m: ParsedMail) => SURVEY_PATH.test(m.text ?? '');

const SURVEY_DELAY_MS = 3600_000;

describe('satisfaction surveys', () => {
  const clock = new MovableClock();
  const suite = appSuite({ app: { clock, env: { SURVEY_DELAY: 'PT1H', FOLLOWUP_DELAY: 'PT2S' } }, mail: startSmtpSink });

  /** An email ticket from a customer, answered and solved by agent1; returns its number. */
  async function solvedEmailTicket(customer: { name: string; email: string; locale?: 'en' | 'zh-CN'; phone?: string }, subject: string): Promise<number> {
    const a1 = await suite.app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'email', subject, body: 'It stopped working.', customer, team: 'support', type: 'inquiry' });
    expect(created.status).toBe(201);
    const n = created.body.number as number;
    expect((await a1.post(`/api/tickets/${n}/messages`).send({ body: 'Please restart it; that fixes it.' })).status).toBe(201);
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' })).status).toBe(200);
    return n;
  }

  async function surveysOf(n: number) {
    const sup = await suite.app.as('supervisor@demo.local');
    const res = await sup.get(`/api/surveys?ticket=${n}`);
    expect(res.status).toBe(200);
    return res.body.surveys as { id: string; status: string; score: number | null; comment: string | null; answeredAt: string | null; offeredAt: string | null; agentId: string | null; team: string; round: number; reason: string | null }[];
  }

  /** The offer timers still waiting (BullMQ delayed jobs of the surveys queue). */
  const waitingOffers = async () => (await suite.app.c.queues.get('surveys').getDelayed()).filter((j) => j.name === 'offer');

  /**
   * SURVEY_DELAY passes: the clock moves on by it, and the offer timers set before, all due now,
   * fire (a BullMQ delay runs on the wall clock, so the test fires them as their hour would).
   */
  async function surveyDelayPasses(): Promise<void> {
    clock.advance(SURVEY_DELAY_MS);
    for (const job of await waitingOffers()) await job.promote();
  }

  /** The delay passes, then the survey mail to this address arrives. */
  async function surveyMailFor(email: string, timeoutMs = 30000): Promise<ParsedMail> {
    await surveyDelayPasses();
    return eventually(async () => suite.sink.sentTo(email).find(isSurvey), timeoutMs);
  }
  const tokenOf = (m: ParsedMail) => SURVEY_PATH.exec(m.text ?? '')![1];

  let token: string;
  let ticketNumber: number;

  it('sends the survey by email after SURVEY_DELAY, in the customer\'s language', async () => {
    ticketNumber = await solvedEmailTicket({ name: '李雷', email: 'li.lei@example.cn', locale: 'zh-CN', phone: '+86 139 1234 5678' }, '洗衣机不脱水');
    const [scheduled] = await surveysOf(ticketNumber);
    expect(scheduled).toMatchObject({ status: 'scheduled', team: 'support', round: 1, offeredAt: null });
    // not before the delay: the offer waits on a timer of exactly SURVEY_DELAY, and no mail went out
    expect((await waitingOffers()).filter((j) => j.data.surveyId === scheduled.id).map((j) => j.opts.delay)).toEqual([SURVEY_DELAY_MS]);
    expect(suite.sink.sentTo('li.lei@example.cn').filter(isSurvey)).toHaveLength(0);

    const mail = await surveyMailFor('li.lei@example.cn');
    expect(mail.subject).toContain('满意度调查');
    expect(mail.subject).toContain(`[#${ticketNumber}]`);
    expect(mail.text).toContain('李雷 您好');
    expect(mail.html).toMatch(/\?score(=|&#x3D;)1"/); // one-tap scores; the page still only preselects
    token = tokenOf(mail);
    const [offered] = await eventually(async () => {
      const all = await surveysOf(ticketNumber);
      return all[0]?.status === 'offered' ? all : null;
    });
    expect(offered.offeredAt).not.toBeNull();
  });

  it('shows the form when the link is opened, on a phone and without JavaScript, and records nothing', async () => {
    for (let i = 0; i < 3; i++) {
      // a mail scanner and the customer may open it any number of times
      const page = await suite.app.http().get(`/survey/${token}?score=4`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('name="viewport"');
      expect(page.text).toContain('<form method="post"');
      expect(page.text).not.toContain('<script');
      expect((page.text.match(/type="radio" name="score"/g) ?? []).length).toBe(5);
      expect(page.text).toMatch(/value="4" checked/);
      expect(page.text).toContain('您对我们的服务满意吗');
      expect(page.text).toContain('洗衣机不脱水');
    }
    const [s] = await surveysOf(ticketNumber);
    expect(s).toMatchObject({ status: 'offered', score: null, answeredAt: null });
    const a1 = await suite.app.as('agent1@demo.local');
    const timeline = await a1.get(`/api/tickets/${ticketNumber}/messages`);
    expect(JSON.stringify(timeline.body)).not.toContain('survey_answered');
  });

  it('refuses a missing or bad score with the form again and records nothing', async () => {
    const none = await suite.app.http().post(`/survey/${token}`).type('form').send({ comment: 'hm' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('请选择 1 到 5 分');
    expect(none.text).toContain('>hm</textarea>'); // the comment is kept
    const bad = await suite.app.http().post(`/survey/${token}`).type('form').send({ score: '9' });
    expect(bad.status).toBe(400);
    const [s] = await surveysOf(ticketNumber);
    expect(s.status).toBe('offered');
  });

  it('records a score of 2 once, attributes it, opens a low_rating callback for the supervisor and escalates', async () => {
    const supSocket = await suite.app.agentSocket('supervisor@demo.local');
    const escalation = nextEvent(supSocket, 'escalation', (p: { ticketNumber: number }) => p.ticketNumber === ticketNumber, 15000);

    const res = await suite.app.http().post(`/survey/${token}`).type('form').send({ score: '2', comment: '师傅态度不好' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('感谢您的评价');
    expect(res.text).toContain('客服主管将尽快与您联系');

    expect(await escalation).toEqual({ ticketNumber, target: 'satisfaction', kind: 'breach', level: 1, dueAt: null });

    const a1 = await suite.app.as('agent1@demo.local');
    const agent1Id = (await a1.get(`/api/tickets/${ticketNumber}`)).body.assignee.id;
    const [s] = await surveysOf(ticketNumber);
    expect(s).toMatchObject({ status: 'answered', score: 2, comment: '师傅态度不好', agentId: agent1Id, team: 'support' });

    const sup = await suite.app.as('supervisor@demo.local');
    const supervisorId = (await sup.get('/api/auth/me')).body?.id ?? null;
    const cbs = await eventually(async () => {
      const r = await sup.get(`/api/callbacks?ticketNumber=${ticketNumber}&kind=low_rating`);
      return r.body.callbacks?.length ? r.body.callbacks : null;
    });
    expect(cbs).toHaveLength(1);
    expect(cbs[0]).toMatchObject({ kind: 'low_rating', team: 'support', phone: '+8613912345678' });
    expect(cbs[0].assignee.name).toBe('Li Na (李娜)');
    if (supervisorId) expect(cbs[0].assignee.id).toBe(supervisorId);

    const timeline = await eventually(async () => {
      const r = await a1.get(`/api/tickets/${ticketNumber}/messages`);
      return JSON.stringify(r.body).includes('survey_answered') && r.body;
    });
    expect(JSON.stringify(timeline)).toContain('2/5');
  });

  it('handles an answer once even when the worker crashed after the timeline line and is run again (#13)', async () => {
    const answers = (suite.app.c.modules.find((m) => m.name === 'surveys') as unknown as { answers: { handleAnswered(id: string): Promise<unknown> } }).answers;
    const [s] = await surveysOf(ticketNumber);
    const t = await suite.app.c.tickets.byNumber(ticketNumber);
    const events = () => suite.app.c.models.Message.countDocuments({ ticketId: t._id, 'event.type': 'survey_answered' });
    expect(await events()).toBe(1);
    // the crash: the line and the callback were written, `handledAt` was not; the job runs again
    await suite.app.c.conn.collection('surveys').updateOne({ _id: new Types.ObjectId(s.id) }, { $set: { handledAt: null } });
    expect(await answers.handleAnswered(s.id)).toEqual({ lowRating: true });
    expect(await events()).toBe(1);
    expect(await suite.app.c.conn.collection('callbacks').countDocuments({ ticketId: t._id, kind: 'low_rating' })).toBe(1);
  });

  it('refuses a second submit with a clear page and keeps the first answer', async () => {
    const again = await suite.app.http().post(`/survey/${token}`).type('form').send({ score: '5' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/text\/html/);
    expect(again.text).toContain('已经评价过了');
    const look = await suite.app.http().get(`/survey/${token}`);
    expect(look.status).toBe(200);
    expect(look.text).not.toContain('<form');
    const [s] = await surveysOf(ticketNumber);
    expect(s.score).toBe(2);
    const sup = await suite.app.as('supervisor@demo.local');
    const cbs = await sup.get(`/api/callbacks?ticketNumber=${ticketNumber}&kind=low_rating`);
    expect(cbs.body.callbacks).toHaveLength(1);
  });

  it('records a good score with a call-me comment as a request for contact', async () => {
    const n = await solvedEmailTicket({ name: 'Emma Stone', email: 'emma.stone@example.com', locale: 'en' }, 'Fridge noise');
    const mail = await surveyMailFor('emma.stone@example.com');
    expect(mail.subject).toMatch(/How did we do\?/);
    const res = await suite.app.http().post(`/survey/${tokenOf(mail)}`).type('form').send({ score: '4', comment: 'Fixed, but please call me about the warranty' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thank you!');
    const sup = await suite.app.as('supervisor@demo.local');
    const cbs = await eventually(async () => (await sup.get(`/api/callbacks?ticketNumber=${n}&kind=low_rating`)).body.callbacks?.length && true);
    expect(cbs).toBe(true);
  });

  it('answers a forged token with a clear page and records nothing', async () => {
    const [payload, mac] = token.split('.');
    const forgedMac = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherSurvey = Buffer.from(JSON.stringify({ s: 'aaaaaaaaaaaaaaaaaaaaaaaa', e: 4102444800 })).toString('base64url');
    for (const bad of [forgedMac, `${otherSurvey}.${mac}`, 'nonsense', `${payload}`]) {
      const get = await suite.app.http().get(`/survey/${bad}`).set('Accept-Language', 'zh-CN,zh;q=0.9');
      expect(get.status).toBe(404);
      expect(get.headers['content-type']).toMatch(/text\/html/);
      expect(get.text).toContain('链接无效');
      const post = await suite.app.http().post(`/survey/${bad}`).type('form').send({ score: '5' });
      expect(post.status).toBe(404);
      expect(post.text).toContain('This link is not valid');
    }
    const sup = await suite.app.as('supervisor@demo.local');
    const answered = await sup.get('/api/surveys?status=answered');
    expect(answered.body.surveys.every((s: { score: number }) => s.score !== 5)).toBe(true);
  });

  it('reopening the ticket cancels the pending survey: no mail arrives; solving again starts a new round', async () => {
    const a1 = await suite.app.as('agent1@demo.local');
    const n = await solvedEmailTicket({ name: 'Hans Weber', email: 'hans.weber@example.de', locale: 'en' }, 'Oven door');
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'open' })).status).toBe(200);
    const [first] = await surveysOf(n);
    expect(first).toMatchObject({ status: 'cancelled', reason: 'reopened', round: 1 });

    // a control mail to a solved ticket created afterwards proves the delay has passed for the cancelled one
    await solvedEmailTicket({ name: 'Control', email: 'control@example.com', locale: 'en' }, 'Control');
    await surveyMailFor('control@example.com');
    expect(suite.sink.sentTo('hans.weber@example.de').filter(isSurvey)).toHaveLength(0);

    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' })).status).toBe(200);
    const mail = await surveyMailFor('hans.weber@example.de');
    const surveys = await eventually(async () => {
      const all = await surveysOf(n);
      return all.some((s) => s.status === 'offered') ? all : null;
    });
    expect(surveys.map((s) => [s.round, s.status]).sort()).toEqual([[1, 'cancelled'], [2, 'offered']]);
    expect(suite.sink.sentTo('hans.weber@example.de').filter(isSurvey)).toHaveLength(1);
    expect(tokenOf(mail)).toBeTruthy();
  });

  it('cancels with a reason, without failing, when the customer cannot be reached', async () => {
    const a1 = await suite.app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Call about a manual', body: 'Asked for the manual', customer: { name: 'No Mail', phone: '+86 131 0000 0001' }, team: 'support' });
    const n = created.body.number;
    await a1.post(`/api/tickets/${n}/messages`).send({ body: 'Told them where to find it.' });
    await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' });
    await surveyDelayPasses();
    const [s] = await eventually(async () => {
      const all = await surveysOf(n);
      return all[0]?.status === 'cancelled' ? all : null;
    }, 15000);
    expect(s.reason).toBe('no_contact');
  });

  it('lists surveys only of the teams the agent works in and validates filters', async () => {
    const a2 = await suite.app.as('agent2@demo.local'); // complaints and returns
    const res = await a2.get(`/api/surveys?ticket=${ticketNumber}`);
    expect(res.status).toBe(200);
    expect(res.body.surveys).toHaveLength(0);
    expect((await a2.get('/api/surveys?team=support')).status).toBe(403);
    expect((await a2.get('/api/surveys?status=bogus')).status).toBe(400);
    expect((await suite.app.http().get('/api/surveys')).status).toBe(401);
  });

  // last: it moves the clock four weeks ahead
  it('answers an expired link with a clear page and records nothing', async () => {
    const n = await solvedEmailTicket({ name: 'Late Larry', email: 'late.larry@example.com', locale: 'en' }, 'Dryer');
    const mail = await surveyMailFor('late.larry@example.com');
    const late = tokenOf(mail);
    expect((await suite.app.http().get(`/survey/${late}`)).status).toBe(200);
    clock.advance(29 * 24 * 3600 * 1000);
    const get = await suite.app.http().get(`/survey/${late}`);
    expect(get.status).toBe(410);
    expect(get.text).toContain('This link has expired');
    const post = await suite.app.http().post(`/survey/${late}`).type('form').send({ score: '5', comment: 'late' });
    expect(post.status).toBe(410);
    expect(post.text).not.toContain('<form');
    const sup = await suite.app.as('supervisor@demo.local');
    const [s] = (await sup.get(`/api/surveys?ticket=${n}`)).body.surveys;
    expect(s.score).toBeNull();
    expect(s.answeredAt).toBeNull();
  });
});
