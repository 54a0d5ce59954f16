import fs from 'node:fs';
import path from 'node:path';
import { mailDedupeKey } from '../../src/channels/email/email.inbound';
import type { EmailModule } from '../../src/channels/email/email.module';
import { parseTask } from '../../src/channels/email/parse-task';
import { eventually, WEBHOOK_SECRET } from '../helpers/harness';
import { buildBounce, buildMail } from '../fixtures/mail/build';
import { startSink } from '../fixtures/mail/sink';
import { mailIntake } from '../helpers/mail-intake';
import { appSuite } from '../helpers/app-suite';

const MAX_BYTES = 1024 * 1024;

describe('email channel', () => {
  const suite = appSuite({ app: { env: { MAIL_MAX_BYTES: String(MAX_BYTES) } }, mail: startSink });

  /** Sends a raw mail into the intake as a mail server would; resolves with the intake's queue id. */
  const send = (raw: string | Buffer, envelope: { from: string; to: string[] }) => mailIntake(suite.app).send(raw, envelope);

  /** What the `mail-in` job made of a mail, once it finished. */
  const processed = (jobId: string) => mailIntake(suite.app).processed(jobId);

  async function ticketCount(): Promise<number> {
    return suite.app.c.models.Ticket.countDocuments({});
  }

  const photo = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 7)]);
  let complaint: { number: number; messageId: string };

  it('turns a GBK-encoded Chinese complaint with an attachment into one ticket, and acknowledges it in Chinese', async () => {
    const raw = buildMail({
      charset: 'GBK',
      from: { name: '张伟', address: 'zhang.san@example.cn' },
      to: 'complaints@demo.local',
      subject: '投诉：洗衣机漏水，维修两次仍未解决',
      messageId: '<gbk-complaint-1@example.cn>',
      text: '你好，\r\n我去年购买的XQG80滚筒洗衣机又漏水了，已经维修两次仍未解决，请尽快处理。\r\n附件是维修单。\r\n张伟',
      attachments: [{ filename: '维修单据.pdf', content: photo, contentType: 'application/pdf', filenameCharset: 'GBK' }],
    });
    const jobId = await send(raw, { from: 'zhang.san@example.cn', to: ['complaints@demo.local'] });
    const result = await processed(jobId);
    expect(result.created).toBe(true);
    const number = result.ticket as number;

    const a2 = await suite.app.as('agent2@demo.local'); // works complaints
    const t = await a2.get(`/api/tickets/${number}`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ subject: '投诉：洗衣机漏水，维修两次仍未解决', channel: 'email', team: 'complaints', type: 'complaint', customer: { name: '张伟', email: 'zhang.san@example.cn', locale: 'zh-CN' } });
    const msgs = await a2.get(`/api/tickets/${number}/messages`);
    const first = msgs.body.messages.find((m: { author: { type: string } }) => m.author.type === 'customer');
    expect(first.body).toContain('滚筒洗衣机又漏水了');
    expect(first.attachments).toEqual([expect.objectContaining({ filename: '维修单据.pdf', contentType: 'application/pdf', size: photo.length })]);

    // the acknowledgement: in the customer's language, with the ticket number, threaded, marked automatic
    const ack = await suite.sink.next((m) => m.parsed.subject?.includes(`[#${number}]`) === true);
    expect(ack.rcpt).toEqual(['zhang.san@example.cn']);
    expect(ack.parsed.subject).toContain('我们已收到');
    expect(ack.parsed.inReplyTo).toBe('<gbk-complaint-1@example.cn>');
    expect(ack.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    const ackMsg = await eventually(async () => {
      const r = await a2.get(`/api/tickets/${number}/messages`);
      return r.body.messages.find((m: { automatic: boolean; delivery: { status: string } }) => m.automatic && m.delivery.status === 'sent');
    });
    expect(ackMsg.author.type).toBe('system');
    complaint = { number, messageId: ack.parsed.messageId! };
  });

  it('lets agents of the ticket\'s team download the attachment and nobody else', async () => {
    const a2 = await suite.app.as('agent2@demo.local');
    const msgs = await a2.get(`/api/tickets/${complaint.number}/messages`);
    const att = msgs.body.messages.flatMap((m: { attachments: { url: string }[] }) => m.attachments)[0];
    const ok = await a2.get(att.url).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(ok.status).toBe(200);
    expect(Buffer.compare(ok.body as Buffer, photo)).toBe(0);
    expect(ok.headers['content-disposition']).toContain(encodeURIComponent('维修单据.pdf'));

    const a1 = await suite.app.as('agent1@demo.local'); // support and tech only
    expect((await a1.get(att.url)).status).toBe(404); // another team's ticket: as if it did not exist
    expect((await a2.get(`/api/tickets/${complaint.number}/attachments/${'0'.repeat(24)}`)).status).toBe(404);
    expect((await suite.app.http().get(att.url)).status).toBe(401);
  });

  it('threads the customer\'s reply from a Chinese Outlook into the ticket and trims the quoted part', async () => {
    const quote = '发件人: 售后服务中心 <support@demo.local>\r\n发送时间: 2024年3月5日 10:00\r\n收件人: 张伟 <zhang.san@example.cn>\r\n主题: 我们已收到您的问题\r\n\r\n感谢您联系我们。';
    const raw = buildMail({
      charset: 'GB2312',
      from: { name: '张伟', address: 'zhang.san@example.cn' },
      to: 'complaints@demo.local',
      subject: `答复: 我们已收到您的问题 [#${complaint.number}]`,
      messageId: '<outlook-reply-1@example.cn>',
      inReplyTo: complaint.messageId,
      references: ['<gbk-complaint-1@example.cn>', complaint.messageId],
      headers: { 'X-Mailer': 'Microsoft Outlook 16.0', 'Thread-Index': 'AQHaCxYz' },
      text: `机器型号是XQG80-B，序列号SN2023001。\r\n\r\n${quote}`,
      html: `<html><body><div>机器型号是XQG80-B，序列号SN2023001。</div><div id="divRplyFwdMsg"><b>发件人:</b> 售后服务中心<br><b>发送时间:</b> 2024年3月5日</div><div>感谢您联系我们。</div><script>alert(1)</script></body></html>`,
    });
    const before = await ticketCount();
    const jobId = await send(raw, { from: 'zhang.san@example.cn', to: ['complaints@demo.local'] });
    const result = await processed(jobId);
    expect(result).toMatchObject({ ticket: complaint.number, created: false });
    expect(await ticketCount()).toBe(before);
    const a2 = await suite.app.as('agent2@demo.local');
    const msgs = await a2.get(`/api/tickets/${complaint.number}/messages`);
    const reply = msgs.body.messages.filter((m: { author: { type: string } }) => m.author.type === 'customer').pop();
    expect(reply.body).toBe('机器型号是XQG80-B，序列号SN2023001。');
    expect(reply.fullBody).toContain('发件人: 售后服务中心');
    expect(reply.html).toContain('机器型号是XQG80-B');
    expect(reply.html).not.toContain('<script');
  });

  it('threads a reply carrying only the ticket token, but not when a stranger sends it', async () => {
    const jobId = await send(buildMail({ from: { name: '张伟', address: 'Zhang.San@example.cn' }, to: 'complaints@demo.local', subject: `Re: [#${complaint.number}] 还有问题`, messageId: '<token-only-1@example.cn>', text: '请问什么时候上门？' }), {
      from: 'zhang.san@example.cn',
      to: ['complaints@demo.local'],
    });
    expect(await processed(jobId)).toMatchObject({ ticket: complaint.number, created: false });

    const strangerJob = await send(buildMail({ from: { address: 'stranger@example.org' }, to: 'support@demo.local', subject: `Re: [#${complaint.number}] let me in`, messageId: '<stranger-1@example.org>', text: 'I want to see this ticket.' }), {
      from: 'stranger@example.org',
      to: ['support@demo.local'],
    });
    const r = await processed(strangerJob);
    expect(r.created).toBe(true);
    expect(r.ticket).not.toBe(complaint.number);
    const admin = await suite.app.as('admin@demo.local');
    const t = await admin.get(`/api/tickets/${r.ticket}`);
    expect(t.body).toMatchObject({ team: 'support', customer: { email: 'stranger@example.org' } });
    const msgs = await admin.get(`/api/tickets/${complaint.number}/messages`);
    expect(JSON.stringify(msgs.body)).not.toContain('I want to see this ticket');
  });

  it('creates nothing for auto-replies, list mail and bounces, and notes a bounce on the ticket whose mail bounced', async () => {
    const before = await ticketCount();
    const sentBefore = suite.sink.mails.length;
    const noisy: Record<string, string>[] = [
      { 'Auto-Submitted': 'auto-replied' },
      { Precedence: 'bulk' },
      { Precedence: 'junk' },
      { 'X-Autoreply': 'yes' },
      { 'X-Autorespond': 'Out of office' },
    ];
    for (const [i, headers] of noisy.entries()) {
      const jobId = await send(buildMail({ from: { address: `ooo${i}@example.com` }, to: 'support@demo.local', subject: `Automatic reply: out of office ${i}`, messageId: `<auto-${i}@example.com>`, headers, text: 'I am away until Monday.' }), {
        from: `ooo${i}@example.com`,
        to: ['support@demo.local'],
      });
      expect((await processed(jobId)).ignored).toBeDefined();
    }

    // an agent's reply that bounces
    const a1 = await suite.app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'email', subject: 'Fridge noise', body: 'It hums.', customer: { name: 'Gone', email: 'gone@example.cn' } });
    const reply = await a1.post(`/api/tickets/${created.body.number}/messages`).send({ body: 'Could you send a video?' });
    expect(reply.status).toBe(201);
    const out = await suite.sink.next((m) => m.parsed.subject?.includes(`[#${created.body.number}]`) === true);
    const jobId = await send(buildBounce({ to: 'support@demo.local', originalMessageId: out.parsed.messageId!, originalSubject: out.parsed.subject!, recipient: 'gone@example.cn' }), { from: '', to: ['support@demo.local'] });
    expect(await processed(jobId)).toEqual({ ignored: 'bounce' });

    expect(await ticketCount()).toBe(before + 1); // only the agent's own ticket
    const msgs = await a1.get(`/api/tickets/${created.body.number}/messages`);
    const bounce = msgs.body.messages.find((m: { event: { type: string } | null }) => m.event?.type === 'mail_bounced');
    expect(bounce.body).toContain('User unknown');
    expect(msgs.body.messages.find((m: { id: string }) => m.id === reply.body.id).delivery.status).toBe('failed');
    // no acknowledgement went to any of them
    expect(suite.sink.mails.slice(sentBefore).filter((m) => m.rcpt.some((r) => /^ooo\d@|mailer-daemon/i.test(r)))).toEqual([]);
  });

  it('refuses unknown recipients with 550 and oversized mail with 552', async () => {
    await expect(send(buildMail({ from: { address: 'a@example.com' }, to: 'nobody@demo.local', subject: 'hi', text: 'hi' }), { from: 'a@example.com', to: ['nobody@demo.local'] })).rejects.toMatchObject({ responseCode: 550 });
    const big = buildMail({ from: { address: 'a@example.com' }, to: 'support@demo.local', subject: 'big', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(MAX_BYTES, 1), contentType: 'application/octet-stream' }] });
    await expect(send(big, { from: 'a@example.com', to: ['support@demo.local'] })).rejects.toMatchObject({ responseCode: 552 });
  });

  it('survives a truncated garbage MIME message: refused, or kept with what could be read', async () => {
    const garbage =
      'From: broken@example.com\r\nTo: support@demo.local\r\nSubject: =?GBK?B?1tDOxA==?= broken\r\nMessage-ID: <garbage-1@example.com>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nThe part that can be read.=\r\n=E4=B8=AD=E6\r\n--zz\r\nContent-Type: multipart/alternative; boundary="yy"\r\n\r\n--yy\r\nContent-Type: text/html; charset=x-unknown\r\nContent-Transfer-Encoding: base64\r\n\r\nPGgxPkhp!!!@@@\u0000\u00ff\u00fe<<<<\r\n--yy\r\nContent-Type: image/png; name="a.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAA';
    let outcome: 'refused' | Record<string, unknown>;
    try {
      outcome = await processed(await send(Buffer.from(garbage, 'latin1'), { from: 'broken@example.com', to: ['support@demo.local'] }));
    } catch (err) {
      expect((err as { responseCode?: number }).responseCode).toBeGreaterThanOrEqual(400);
      outcome = 'refused';
    }
    if (outcome !== 'refused') {
      expect(outcome.created).toBe(true);
      const admin = await suite.app.as('admin@demo.local');
      const msgs = await admin.get(`/api/tickets/${outcome.ticket}/messages`);
      expect(msgs.body.messages[0].body).toContain('The part that can be read.');
    }
    expect((await suite.app.http().get('/health')).body.status).toBe('ok');
  });

  it('stores the same mail delivered twice once', async () => {
    const raw = buildMail({ from: { name: 'Emma', address: 'emma.twice@example.com' }, to: 'support@demo.local', subject: 'Dishwasher door', messageId: '<twice-1@example.com>', text: 'The door does not close.' });
    const first = await processed(await send(raw, { from: 'emma.twice@example.com', to: ['support@demo.local'] }));
    await send(raw, { from: 'emma.twice@example.com', to: ['support@demo.local'] });
    // the same Message-ID relayed by another server (different bytes) is stored once as well
    const relayed = await processed(await send(`Received: from relay.example.com\r\n${raw}`, { from: 'emma.twice@example.com', to: ['support@demo.local'] }));
    expect(relayed).toMatchObject({ duplicate: true, ticket: first.ticket });
    expect(await suite.app.c.models.Message.countDocuments({ 'mail.messageId': '<twice-1@example.com>' })).toBe(1);
    expect(await suite.app.c.models.Ticket.countDocuments({ dedupeKey: { $regex: '^mail:emma\\.twice@example\\.com:<twice-1@example\\.com>:' } })).toBe(1);
  });

  it('acknowledges a new ticket once when the worker died between the ticket and its acknowledgement (#13)', async () => {
    const raw = buildMail({ from: { name: 'Omar', address: 'omar.crash@example.com' }, to: 'support@demo.local', subject: 'Fridge light', messageId: '<crash-ack-1@example.com>', text: 'The fridge light stays off.' });
    // what the first attempt stored before the worker died: the ticket and the mail, not the acknowledgement
    const file = path.join(suite.app.dataDir, 'crash-ack.eml');
    fs.writeFileSync(file, raw);
    const key = mailDedupeKey('omar.crash@example.com', await parseTask({ file, dataDir: suite.app.dataDir }), 'unused');
    const first = await suite.app.c.inbound.receive({
      channel: 'email',
      customer: { name: 'Omar', email: 'omar.crash@example.com' },
      open: { key, subject: 'Fridge light', team: 'support' },
      message: { body: 'The fridge light stays off.', dedupeKey: key, delivery: 'received', mail: { messageId: '<crash-ack-1@example.com>', from: 'omar.crash@example.com' } },
    });
    expect(first.outcome).toBe('opened');
    const number = first.ticket.number;
    const acks = () => suite.app.c.models.Message.countDocuments({ ticketId: first.ticket._id, automatic: true });
    expect(await acks()).toBe(0);
    // the retry of the same mail: stored once, and the acknowledgement goes out now
    expect(await processed(await send(raw, { from: 'omar.crash@example.com', to: ['support@demo.local'] }))).toMatchObject({ duplicate: true, ticket: number });
    const ack = await suite.sink.next((m) => m.parsed.subject?.includes(`[#${number}]`) === true);
    expect(ack.rcpt).toEqual(['omar.crash@example.com']);
    expect(await acks()).toBe(1);
    // and a third delivery sends no second one
    await processed(await send(`Received: from relay.example.com\r\n${raw}`, { from: 'omar.crash@example.com', to: ['support@demo.local'] }));
    expect(await acks()).toBe(1);
    expect(await suite.app.c.models.Ticket.countDocuments({ dedupeKey: key })).toBe(1);
  });

  it('deletes raw mail older than MAIL_RETENTION and keeps the recent, and the ticket stays readable', async () => {
    const raw = buildMail({ from: { name: 'Old', address: 'old.raw@example.com' }, to: 'support@demo.local', subject: 'Old mail', messageId: '<old-raw@example.com>', text: 'from long ago' });
    const done = await processed(await send(raw, { from: 'old.raw@example.com', to: ['support@demo.local'] }));
    const dir = path.join(suite.app.dataDir, 'mail', 'inbound');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files.length).toBeGreaterThan(1);
    const old = path.join(dir, files[0]);
    const longAgo = new Date(suite.app.clock.now().getTime() - 91 * 24 * 3600 * 1000); // default retention P90D
    fs.utimesSync(old, longAgo, longAgo);
    const email = suite.app.c.modules.find((m) => m.name === 'email') as EmailModule;
    expect(await email.pruneRawMail()).toBe(1);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.eml'))).toHaveLength(files.length - 1);
    const a1 = await suite.app.as('agent1@demo.local');
    expect((await a1.get(`/api/tickets/${done.ticket}/messages`)).body.messages[0].body).toContain('from long ago');
  });

  it('takes mail from the webhook only with the right secret', async () => {
    const raw = buildMail({
      from: { name: 'Liu Yang', address: 'liu.yang@example.cn' },
      to: 'returns@demo.local',
      subject: 'Return request: cracked blender jar',
      messageId: '<hook-1@example.cn>',
      html: '<p>The jar is cracked, see photo:</p><img src="cid:photo1@example.cn"><img src="https://tracker.example.com/p.gif">',
      attachments: [{ filename: 'crack.png', content: Buffer.from('89504e470d0a1a0a', 'hex'), contentType: 'image/png', cid: 'photo1@example.cn' }],
    });
    const post = (secret?: string) => {
      const req = suite.app.http().post('/webhooks/email/raw').set('Content-Type', 'message/rfc822');
      if (secret) req.set('X-Webhook-Secret', secret);
      return req.send(raw);
    };
    const before = await ticketCount();
    expect((await post()).status).toBe(401);
    const wrong = await post('not-the-secret');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('forbidden');
    const ok = await post(WEBHOOK_SECRET);
    expect(ok.status).toBe(202);
    const result = await processed(ok.body.id);
    expect(await ticketCount()).toBe(before + 1);
    const admin = await suite.app.as('admin@demo.local');
    const t = await admin.get(`/api/tickets/${result.ticket}`);
    expect(t.body).toMatchObject({ team: 'returns', type: 'return', customer: { email: 'liu.yang@example.cn' } });
    const [m] = (await admin.get(`/api/tickets/${result.ticket}/messages`)).body.messages;
    expect(m.body).toContain('The jar is cracked');
    expect(m.attachments[0]).toMatchObject({ filename: 'crack.png', contentType: 'image/png' });
    expect(m.html).toContain(m.attachments[0].url); // the inline image points at the stored attachment
    expect(m.html).not.toContain('tracker.example.com');
    const huge = await suite.app.http().post('/webhooks/email/raw').set('Content-Type', 'message/rfc822').set('X-Webhook-Secret', WEBHOOK_SECRET).send(Buffer.alloc(MAX_BYTES + 10, 65));
    expect(huge.status).toBe(413);
  });

  it('sends an agent\'s reply as a threaded mail with the ticket token, and shows it sent', async () => {
    const a2 = await suite.app.as('agent2@demo.local');
    const res = await a2.post(`/api/tickets/${complaint.number}/messages`).send({ body: '您好，工程师将于明天上午上门检修。' });
    expect(res.status).toBe(201);
    expect(res.body.delivery.status).toBe('queued');
    const mail = await suite.sink.next((m) => m.parsed.text?.includes('工程师将于明天上午上门检修') === true);
    expect(mail.rcpt).toEqual(['zhang.san@example.cn']);
    expect(mail.parsed.subject).toBe(`回复：投诉：洗衣机漏水，维修两次仍未解决 [#${complaint.number}]`);
    // threaded to the customer's last mail (the token-only reply), carrying the whole chain
    expect(mail.parsed.inReplyTo).toBe('<token-only-1@example.cn>');
    const refs = ([] as string[]).concat(mail.parsed.references ?? []);
    expect(refs[refs.length - 1]).toBe('<token-only-1@example.cn>');
    expect(mail.parsed.headers.get('auto-submitted')).toBe('no');
    const stored = await eventually(async () => {
      const m = await suite.app.c.models.Message.findById(res.body.id);
      return m?.delivery?.status === 'sent' ? m : null;
    });
    expect(stored.mail?.messageId).toBe(mail.parsed.messageId);
    const view = await a2.get(`/api/tickets/${complaint.number}/messages`);
    expect(view.body.messages.find((m: { id: string }) => m.id === res.body.id).delivery.status).toBe('sent');

    // the customer answers the agent's mail: it threads by In-Reply-To even without a token
    const jobId = await send(buildMail({ from: { address: 'zhang.san@example.cn' }, to: 'complaints@demo.local', subject: 'ok', messageId: '<after-reply@example.cn>', inReplyTo: mail.parsed.messageId, text: '好的' }), {
      from: 'zhang.san@example.cn',
      to: ['complaints@demo.local'],
    });
    expect(await processed(jobId)).toMatchObject({ ticket: complaint.number });
  });

  it('marks a reply failed when the customer\'s server refuses it for good', async () => {
    const a1 = await suite.app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'email', subject: 'Oven', body: 'Broken', customer: { name: 'R', email: 'reject-me@example.com' } });
    const reply = await a1.post(`/api/tickets/${created.body.number}/messages`).send({ body: 'Please check the fuse.' });
    const failed = await eventually(async () => {
      const r = await a1.get(`/api/tickets/${created.body.number}/messages`);
      const m = r.body.messages.find((x: { id: string }) => x.id === reply.body.id);
      return m.delivery.status === 'failed' ? m : null;
    }, 15000);
    expect(failed.delivery.error).toMatch(/550|no such user/);
  });
});
