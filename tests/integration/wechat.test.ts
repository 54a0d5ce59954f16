import crypto from 'node:crypto';
import { WechatTokens } from '../../src/channels/wechat/wechat.api';
import { WechatCipher, wechatSignature } from '../../src/channels/wechat/wechat.crypto';
import type { WechatModule } from '../../src/channels/wechat/wechat.module';
import type { MovableClock } from '../../src/infra/clock';
import { createRedis } from '../../src/infra/redis';
import { createLogger } from '../../src/logger';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { FakeWechat, startFakeWechat } from '../helpers/fake-wechat';
import { FakeSms, startFakeSms } from '../helpers/fake-sms';

const TOKEN = 'aftercareToken1';
const APPID = 'wx2c2769f8efd9abc2';
const SECRET = 'app-secret-of-the-account';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('WeChat Official Account channel', () => {
  let fake: FakeWechat;
  let sms: FakeSms;
  let app: TestApp;

  beforeAll(async () => {
    fake = await startFakeWechat({ appId: APPID, secret: SECRET });
    sms = await startFakeSms({ twilio: { sid: 'AC1', token: 'sms-token' } });
    app = await startTestApp({ env: { WECHAT_TOKEN: TOKEN, WECHAT_APPID: APPID, WECHAT_SECRET: SECRET, WECHAT_API_BASE: fake.url, SMS_URL: `twilio://AC1:sms-token@api.twilio.com?from=%2B15550001111&base=${encodeURIComponent(sms.url)}` } });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await sms?.close();
  });

  const now = () => Math.floor(app.clock.now().getTime() / 1000);
  const signed = (extra: Record<string, string> = {}, token = TOKEN) => {
    const timestamp = String(now());
    const nonce = crypto.randomBytes(5).toString('hex');
    return { signature: wechatSignature(token, timestamp, nonce), timestamp, nonce, ...extra };
  };
  const xml = (openId: string, inner: string, createTime = now()) =>
    `<xml><ToUserName><![CDATA[gh_aftercare]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${createTime}</CreateTime>${inner}</xml>`;
  const textPush = (openId: string, content: string, msgId: string) => xml(openId, `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId>`);
  const post = (body: string, query: Record<string, string>, account = 'default') => app.http().post(`/webhooks/wechat/${account}`).query(query).set('Content-Type', 'text/xml').send(body);
  const msgId = () => String(6_000_000_000_000_000_000n + BigInt(crypto.randomInt(1, 2 ** 40)));

  /** The ticket the worker threaded the customer's pushes into. */
  async function ticketOf(openId: string, account = 'default') {
    return eventually(async () => {
      const u = (await app.c.conn.model('WechatUser').findById(`${account}:${openId}`).lean()) as { ticketId?: unknown } | null;
      return u?.ticketId ? app.c.models.Ticket.findById(u.ticketId) : null;
    }, 10_000);
  }

  it('answers the URL check (echostr) only with the right signature', async () => {
    const ok = await app.http().get('/webhooks/wechat/default').query(signed({ echostr: 'echo-1234567890' }));
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('echo-1234567890');

    const forged = await app.http().get('/webhooks/wechat/default').query(signed({ echostr: 'x' }, 'someOtherToken'));
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('invalid_signature');

    const missing = await app.http().get('/webhooks/wechat/default').query({ echostr: 'x' });
    expect(missing.status).toBe(401);

    const old = signed({ echostr: 'x' });
    const stale = { ...old, timestamp: String(now() - 3600) };
    stale.signature = wechatSignature(TOKEN, stale.timestamp, stale.nonce);
    const replay = await app.http().get('/webhooks/wechat/default').query(stale);
    expect(replay.status).toBe(403);
    expect(replay.body.error.code).toBe('stale_timestamp');

    expect((await app.http().get('/webhooks/wechat/nope').query(signed({ echostr: 'x' }))).status).toBe(404);
  });

  it('refuses a push with a forged signature and stores nothing', async () => {
    const before = await app.c.models.Message.countDocuments({ channel: 'wechat' });
    const res = await post(textPush('o_forger', '伪造的消息', msgId()), signed({}, 'guessedToken'));
    expect(res.status).toBe(403);
    expect(await app.c.conn.model('WechatInbound').countDocuments({ 'fields.FromUserName': 'o_forger' })).toBe(0);
    expect(await app.c.models.Message.countDocuments({ channel: 'wechat' })).toBe(before);
  });

  it('stores a message once across WeChat\'s three retries, answering success each time', async () => {
    const openId = 'o_retry_customer';
    const body = textPush(openId, '空调不制冷，E4 故障', msgId());
    for (let i = 0; i < 3; i++) {
      const res = await post(body, signed());
      expect(res.status).toBe(200);
      expect(res.text).toBe('success');
    }
    const ticket = await ticketOf(openId);
    expect(ticket.channel).toBe('wechat');
    expect(ticket.team).toBe('support');
    await eventually(async () => (await app.c.conn.model('WechatInbound').countDocuments({ 'fields.FromUserName': openId, processedAt: { $ne: null } })) === 1);
    const messages = await app.c.models.Message.find({ ticketId: ticket._id, kind: 'message' });
    expect(messages.map((m) => m.body)).toEqual(['空调不制冷，E4 故障']);

    // a second message threads into the same ticket
    await post(textPush(openId, '型号 AC-3500', msgId()), signed());
    await eventually(async () => (await app.c.models.Message.countDocuments({ ticketId: ticket._id, kind: 'message' })) === 2);
    const agent = await app.as('agent1@demo.local');
    const view = await agent.get(`/api/tickets/${ticket.number}`);
    expect(view.body.channel).toBe('wechat');
    expect(view.body.customer.locale).toBe('zh-CN');
  });

  it('takes events: following opens no ticket and makes no customer; a menu click is noted once on the open ticket', async () => {
    const openId = 'o_follower';
    const customersBefore = await app.c.models.Customer.countDocuments({});
    const sub = xml(openId, '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>');
    for (let i = 0; i < 3; i++) expect((await post(sub, signed())).text).toBe('success');
    await eventually(async () => (await app.c.conn.model('WechatInbound').countDocuments({ 'fields.FromUserName': openId, processedAt: { $ne: null } })) === 1);
    expect(await app.c.conn.model('WechatInbound').countDocuments({ 'fields.FromUserName': openId })).toBe(1);
    const follower = (await app.c.conn.model('WechatUser').findById(`default:${openId}`).lean()) as unknown as { customerId: unknown; ticketId: unknown; lastInteractionAt: Date };
    expect(follower).toMatchObject({ customerId: null, ticketId: null });
    expect(follower.lastInteractionAt).toBeTruthy(); // following opens the reply window
    expect(await app.c.models.Customer.countDocuments({})).toBe(customersBefore);

    await post(textPush(openId, '我要报修', msgId()), signed());
    const ticket = await ticketOf(openId);
    const click = xml(openId, '<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[BOOK_REPAIR]]></EventKey>', now() + 1);
    await post(click, signed());
    await post(click, signed());
    const note = await eventually(async () => app.c.models.Message.findOne({ ticketId: ticket._id, 'event.type': 'wechat_event' }));
    expect(note.event?.data).toMatchObject({ event: 'CLICK', key: 'BOOK_REPAIR' });
    await eventually(async () => (await app.c.conn.model('WechatInbound').countDocuments({ 'fields.FromUserName': openId, 'fields.Event': 'CLICK', processedAt: { $ne: null } })) === 1);
    expect(await app.c.models.Message.countDocuments({ ticketId: ticket._id, 'event.type': 'wechat_event' })).toBe(1);
  });

  it('fetches an image from the media API and keeps it as a downloadable attachment', async () => {
    const openId = 'o_image_sender';
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), crypto.randomBytes(200)]);
    fake.addMedia('MEDIA_ID_1', 'image/png', png, 'MEDIA_ID_1.png');
    await post(xml(openId, `<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl><MediaId><![CDATA[MEDIA_ID_1]]></MediaId><MsgId>${msgId()}</MsgId>`), signed());
    const ticket = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');
    const msgs = await eventually(async () => {
      const r = await agent.get(`/api/tickets/${ticket.number}/messages`);
      return r.body.messages?.find((m: { attachments: unknown[] }) => m.attachments.length) ? r.body.messages : null;
    }, 15_000);
    const att = msgs.find((m: { attachments: unknown[] }) => m.attachments.length).attachments[0];
    expect(att).toMatchObject({ filename: 'MEDIA_ID_1.png', contentType: 'image/png', size: png.length });
    const file = await agent.get(`/api/tickets/${ticket.number}/attachments/${att.id}`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(Buffer.compare(file.body as Buffer, png)).toBe(0);

    // a video comes as a download link; an expired media id is noted on the ticket, not retried for hours
    const mp4 = crypto.randomBytes(300);
    fake.addMedia('VIDEO_1', 'video/mp4', mp4, 'v.mp4');
    await post(xml(openId, `<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[VIDEO_1]]></MediaId><ThumbMediaId><![CDATA[T]]></ThumbMediaId><MsgId>${msgId()}</MsgId>`), signed());
    await post(xml(openId, `<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[EXPIRED_1]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>${msgId()}</MsgId>`), signed());
    await eventually(async () => (await app.c.models.Message.findOne({ ticketId: ticket._id, body: '[video]' }))?.attachments.some((a) => a.contentType === 'video/mp4' && a.size === mp4.length), 15_000);
    const note = await eventually(async () => app.c.models.Message.findOne({ ticketId: ticket._id, 'event.type': 'wechat_media_failed' }), 15_000);
    expect(note.body).toMatch(/invalid media_id/);
  });

  it('safe mode: an encrypted push is decrypted, checked by msg_signature and stored', async () => {
    const admin = await app.as('admin@demo.local');
    const put = await admin.put('/api/wechat/accounts/secure').send({ appId: APPID, token: 'secureToken', secret: SECRET, aesKey: AES_KEY, mode: 'safe', team: 'tech' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ key: 'secure', mode: 'safe', hasSecret: true, hasAesKey: true });
    expect(JSON.stringify(put.body)).not.toContain(SECRET);
    expect(JSON.stringify((await admin.get('/api/wechat/accounts')).body)).not.toContain(AES_KEY);

    const openId = 'o_safe_mode_user';
    const inner = textPush(openId, '安全模式下的消息', msgId());
    const encrypt = new WechatCipher(AES_KEY, APPID).encrypt(inner);
    const q = signed({ encrypt_type: 'aes', openid: openId }, 'secureToken');
    const msgSignature = wechatSignature('secureToken', q.timestamp, q.nonce, encrypt);
    const outer = `<xml><ToUserName><![CDATA[gh_aftercare]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;

    const forged = await post(outer, { ...q, msg_signature: msgSignature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) }, 'secure');
    expect(forged.status).toBe(403);
    const plain = await post(inner, signed({}, 'secureToken'), 'secure');
    expect(plain.status).toBe(403);
    expect(plain.body.error.code).toBe('encryption_required');
    const wrongApp = new WechatCipher(AES_KEY, 'wx0000000000000000').encrypt(inner);
    const other = await post(`<xml><Encrypt><![CDATA[${wrongApp}]]></Encrypt></xml>`, { ...q, msg_signature: wechatSignature('secureToken', q.timestamp, q.nonce, wrongApp) }, 'secure');
    expect(other.status).toBe(403);

    const ok = await post(outer, { ...q, msg_signature: msgSignature }, 'secure');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('success');
    const ticket = await ticketOf(openId, 'secure');
    expect(ticket.team).toBe('tech');
    const m = await app.c.models.Message.findOne({ ticketId: ticket._id, kind: 'message' });
    expect(m?.body).toBe('安全模式下的消息');
  });

  it('delivers an agent\'s reply through the customer-service API, refreshing an expired token once', async () => {
    const openId = 'o_reply_customer';
    await post(textPush(openId, '洗衣机漏水', msgId()), signed());
    const ticket = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');

    const res = await agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: '您好，我们会安排工程师上门。' });
    expect(res.status).toBe(201);
    const sent = await eventually(async () => fake.sent.find((s) => s.touser === openId));
    expect(sent).toMatchObject({ msgtype: 'text', text: { content: '您好，我们会安排工程师上门。' } });
    await eventually(async () => (await app.c.models.Message.findById(res.body.id))?.delivery?.status === 'sent');

    const tokensBefore = fake.state.tokenRequests;
    fake.expireTokens();
    const again = await agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: '工程师明天上午到。' });
    await eventually(async () => fake.sent.find((s) => s.text?.content === '工程师明天上午到。'));
    expect(fake.state.tokenRequests).toBe(tokensBefore + 1);
    await eventually(async () => (await app.c.models.Message.findById(again.body.id))?.delivery?.status === 'sent');

    // by SMS instead: this customer has no phone yet, so the reply is refused before it is stored
    const noPhone = await agent.post(`/api/tickets/${ticket.number}/reply-via`).send({ via: 'sms', body: 'x' });
    expect(noPhone.status).toBe(409);
    expect(noPhone.body.error.code).toBe('no_phone');
  });

  it('a message on a solved ticket reopens it; one after it closed opens a linked ticket that replies reach', async () => {
    const openId = 'o_returning_customer';
    await post(textPush(openId, '冰箱不制冷', msgId()), signed());
    const first = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');
    await agent.patch(`/api/tickets/${first.number}`).send({ status: 'solved' }).expect(200);

    await post(textPush(openId, '又不制冷了', msgId()), signed());
    await eventually(async () => (await app.c.models.Ticket.findById(first._id))?.status === 'open');
    expect((await app.c.models.Ticket.findById(first._id))!.reopenCount).toBe(1);

    await agent.patch(`/api/tickets/${first.number}`).send({ status: 'solved' }).expect(200);
    await agent.patch(`/api/tickets/${first.number}`).send({ status: 'closed' }).expect(200);
    await post(textPush(openId, '一个月后又坏了', msgId()), signed());
    const linked = await eventually(async () => {
      const t = await ticketOf(openId);
      return t.number !== first.number ? t : null;
    });
    expect(linked).toMatchObject({ channel: 'wechat', linkedFrom: first.number, customerId: first.customerId });
    expect((await app.c.models.Message.find({ ticketId: linked._id, kind: 'message' })).map((m) => m.body)).toEqual(['一个月后又坏了']);

    // the linked ticket knows whom to answer: the reply goes out on WeChat
    const reply = await agent.post(`/api/tickets/${linked.number}/messages`).send({ body: '我们再安排一次上门。' });
    expect(reply.status).toBe(201);
    await eventually(async () => fake.sent.find((m) => m.touser === openId && m.text?.content === '我们再安排一次上门。'));
    await eventually(async () => (await app.c.models.Message.findById(reply.body.id))?.delivery?.status === 'sent');
  });

  it('refuses a reply outside the 48-hour window, says why, and offers a callback', async () => {
    const openId = 'o_late_customer';
    await post(textPush(openId, '上周的维修还没好', msgId()), signed());
    const ticket = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');
    await agent.patch(`/api/customers/${ticket.customerId}`).send({ phones: ['+86 139 1234 5678'] }).expect(200);
    expect((await agent.get(`/api/tickets/${ticket.number}/reply-window`)).body).toMatchObject({ open: true, reason: null, remaining: 20 });

    (app.clock as MovableClock).advance(49 * 3600 * 1000);
    const window = await agent.get(`/api/tickets/${ticket.number}/reply-window`);
    expect(window.body).toMatchObject({ open: false, reason: 'window_closed', alternatives: expect.arrayContaining([{ kind: 'callback', phone: '+8613912345678' }]) });

    const sentBefore = fake.sent.length;
    const refused = await agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: '请问问题解决了吗？' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('wechat_window_closed');
    expect(refused.body.error.message).toMatch(/48 hours/);
    expect(refused.body.error.details.alternatives).toEqual(expect.arrayContaining([{ kind: 'callback', phone: '+8613912345678' }]));
    expect(await app.c.models.Message.countDocuments({ ticketId: ticket._id, 'author.type': 'agent' })).toBe(0);
    expect(fake.sent.length).toBe(sentBefore);

    const cb = await agent.post('/api/callbacks').send({ ticketNumber: ticket.number, phone: '+8613912345678', dueAt: app.clock.now().toISOString() });
    expect(cb.status).toBe(201);
    expect(cb.body).toMatchObject({ ticketNumber: ticket.number, kind: 'requested' });

    // or the reply goes by SMS instead, and shows its delivery on the timeline
    expect(window.body.alternatives).toEqual(expect.arrayContaining([{ kind: 'sms', phone: '+8613912345678' }]));
    const bySms = await agent.post(`/api/tickets/${ticket.number}/reply-via`).send({ via: 'sms', body: '您好，维修已安排在明天上午。' });
    expect(bySms.status).toBe(201);
    expect(bySms.body.channel).toBe('sms');
    await eventually(async () => sms.twilio.find((m) => m.To === '+8613912345678' && m.Body === '您好，维修已安排在明天上午。'));
    await eventually(async () => (await app.c.models.Message.findById(bySms.body.id))?.delivery?.status === 'sent');

    // the customer writes again: the window opens again
    await post(textPush(openId, '还是不行', msgId()), signed());
    await eventually(async () => (await agent.get(`/api/tickets/${ticket.number}/reply-window`)).body.open === true);
  });

  it('keeps to the replies allowed per window, and shows WeChat\'s own refusal on the timeline', async () => {
    const openId = 'o_chatty_customer';
    await post(textPush(openId, '请尽快回复', msgId()), signed());
    const ticket = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');

    // WeChat itself refuses (45047: over its count): the reply fails visibly, with the reason
    fake.failNext(45047);
    const refused = await agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: '第一条回复' });
    expect(refused.status).toBe(201);
    await eventually(async () => (await app.c.models.Message.findById(refused.body.id))?.delivery?.status === 'failed');
    expect((await app.c.models.Message.findById(refused.body.id))?.delivery?.error).toBe('wechat_window_limit');
    const note = await eventually(async () => app.c.models.Message.findOne({ ticketId: ticket._id, 'event.type': 'wechat_reply_refused' }));
    expect(note.event?.data).toMatchObject({ reason: 'window_limit' });

    // our own count: with the window's allowance used up the composer is refused before anything is stored
    await app.c.conn.model('WechatUser').updateOne({ _id: `default:${openId}` }, { $set: { sentInWindow: 20 } });
    const over = await agent.post(`/api/tickets/${ticket.number}/messages`).send({ body: '第二十一条' });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('wechat_window_limit');
    expect((await agent.get(`/api/tickets/${ticket.number}/reply-window`)).body).toMatchObject({ open: false, reason: 'window_limit', remaining: 0 });
  });

  it('links the WeChat customer to the record of a phone only with the code sent to that phone', async () => {
    const openId = 'o_binding_customer';
    const emma = (await app.c.customers.findByContact({ phone: '+442079460018' }))!;
    await post(textPush(openId, '我的电话是 +44 20 7946 0018，洗衣机坏了', msgId()), signed());
    const ticket = await ticketOf(openId);
    const agent = await app.as('agent1@demo.local');
    // a number typed in a message proves nothing: the records stay apart
    expect(String(ticket.customerId)).not.toBe(String(emma._id));
    expect((await app.c.customers.get(String(ticket.customerId))).phones).toEqual([]);

    await post(textPush(openId, '绑定 +44 20 7946 0018', msgId()), signed());
    const codeSms = await eventually(async () => sms.twilio.find((m) => m.To === '+442079460018' && /\d{6}/.test(m.Body)));
    const code = /(\d{6})/.exec(codeSms.Body)![1];
    await eventually(async () => fake.sent.find((m) => m.touser === openId && m.text?.content.includes('验证码已发送')));

    const wrong = code === '000000' ? '111111' : '000000';
    await post(textPush(openId, wrong, msgId()), signed());
    await eventually(async () => fake.sent.find((m) => m.touser === openId && m.text?.content.includes('验证码不正确')));
    expect(String((await app.c.models.Ticket.findById(ticket._id))!.customerId)).not.toBe(String(emma._id));

    await post(textPush(openId, code, msgId()), signed());
    await eventually(async () => fake.sent.find((m) => m.touser === openId && m.text?.content.includes('绑定成功')));
    expect(String((await app.c.models.Ticket.findById(ticket._id))!.customerId)).toBe(String(emma._id));
    // the merge is on the moved ticket's audit trail, as the verification that made it
    const audit = (await agent.get(`/api/tickets/${ticket.number}/audit`)).body.entries as { action: string; actor: { name: string } }[];
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'customer_merged', actor: expect.objectContaining({ name: 'WeChat phone verification' }) })]));
    // the verification texts never became ticket messages
    const bodies = (await app.c.models.Message.find({ ticketId: ticket._id, kind: 'message' })).map((m) => m.body);
    expect(bodies).toEqual(['我的电话是 +44 20 7946 0018，洗衣机坏了']);
  });

  it('a push stored whose job was lost (Redis restarted, crash) is queued again by the sweeper', async () => {
    const openId = 'o_lost_job';
    const id = `default:${msgId()}`;
    await app.c.conn.model('WechatInbound').create({
      _id: id,
      account: 'default',
      fields: { ToUserName: 'gh_aftercare', FromUserName: openId, CreateTime: String(now()), MsgType: 'text', Content: '这条消息的任务丢了', MsgId: id.split(':')[1] },
      receivedAt: new Date(app.clock.now().getTime() - 120_000),
      processedAt: null,
    });
    const wechat = app.c.modules.find((m) => m.name === 'wechat') as WechatModule;
    expect(await wechat.sweep()).toBeGreaterThanOrEqual(1);
    const ticket = await ticketOf(openId);
    expect((await app.c.models.Message.findOne({ ticketId: ticket._id, kind: 'message' }))?.body).toBe('这条消息的任务丢了');
  });

  it('describes the webhook, its signature and the settings in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/openapi.json')).body;
    expect(doc.paths['/webhooks/wechat/{account}'].get.summary).toMatch(/signature/);
    expect(doc.paths['/webhooks/wechat/{account}'].post.summary).toMatch(/Security: `signature`/);
    expect(doc.paths['/webhooks/wechat/{account}'].post.requestBody.content['text/xml']).toBeTruthy();
    expect(doc.paths['/api/wechat/accounts/{account}'].put.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['appId', 'token']));
    expect(doc.paths['/api/tickets/{number}/reply-window'].get).toBeTruthy();
    expect(doc.paths['/api/teams/{key}'].put.requestBody.content['application/json'].schema.properties.mailboxes).toBeTruthy();
    expect(doc.paths['/api/sms'].post).toBeTruthy();
  });

  it('refreshes the access token in one process only, however many ask at once', async () => {
    const log = createLogger('silent');
    const clients = [0, 1, 2].map(() => createRedis(app.config.redisUrl, 'command', log));
    try {
      await Promise.all(clients.map((c) => new Promise((r) => (c.status === 'ready' ? r(null) : c.once('ready', r)))));
      const prefix = `tok-${crypto.randomBytes(3).toString('hex')}`;
      const before = fake.state.tokenRequests;
      const tokens = await Promise.all(clients.flatMap((c) => [0, 1, 2].map(() => new WechatTokens(c, prefix, fake.url).get({ appId: APPID, secret: SECRET }))));
      expect(new Set(tokens).size).toBe(1);
      expect(fake.state.tokenRequests).toBe(before + 1);
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });
});
