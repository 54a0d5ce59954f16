import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_PARTICIPANTS, mailParticipantsModel } from '../../src/channels/email/mail-participants.model';
import type { MovableClock } from '../../src/infra/clock';
import { buildBounce, buildMail } from '../fixtures/mail/build';
import { startSink } from '../fixtures/mail/sink';
import { mailIntake } from '../helpers/mail-intake';
import { appSuite } from '../helpers/app-suite';

/**
 * The mail intake's guarantees beyond parsing: deduplication that never drops another sender's
 * mail, threading by reference only for a ticket's participants, unguessable outbound Message-IDs,
 * bounces only from real DSNs, per-sender order with parallel parsing, the sweeper, dead letters.
 */
describe('mail intake', () => {
  const suite = appSuite({ app: { env: { MAIL_RETRY_MAX_DELAY: 'PT1S' } }, mail: startSink });
  let mail: ReturnType<typeof mailIntake>;

  beforeAll(async () => {
    mail = mailIntake(suite.app);
  });

  const to = 'support@demo.local';
  const from = (address: string, name = 'Customer') => ({ from: { name, address }, to });

  it('never drops another sender\'s mail that reuses a Message-ID, nor other content under the same id, but stores a relayed copy once', async () => {
    const first = await mail.processed(await mail.send(buildMail({ ...from('ann@example.com'), subject: 'Fridge hums', messageId: '<reused@example.com>', text: 'The fridge hums loudly.' }), { from: 'ann@example.com', to: [to] }));
    expect(first.created).toBe(true);
    // another sender, the same Message-ID (a broken client, a copied mail)
    const other = await mail.processed(await mail.send(buildMail({ ...from('bob@example.org'), subject: 'Oven broken', messageId: '<reused@example.com>', text: 'My oven does not heat.' }), { from: 'bob@example.org', to: [to] }));
    expect(other).toMatchObject({ created: true });
    expect(other.ticket).not.toBe(first.ticket);
    // the same sender, the same Message-ID, other words: a second mail, not a copy
    const again = await mail.processed(await mail.send(buildMail({ ...from('ann@example.com'), subject: 'Fridge hums', messageId: '<reused@example.com>', text: 'Now it also leaks water.' }), { from: 'ann@example.com', to: [to] }));
    expect(again).toMatchObject({ created: true }); // no reference to thread by: a ticket of its own
    // the first mail relayed by another server: different bytes, the same mail
    const relayed = await mail.processed(await mail.send(`Received: from relay.example.net\r\n${buildMail({ ...from('ann@example.com'), subject: 'Fridge hums', messageId: '<reused@example.com>', text: 'The fridge hums loudly.' })}`, { from: 'ann@example.com', to: [to] }));
    expect(relayed).toEqual({ duplicate: true, ticket: first.ticket });
    const admin = await suite.app.as('admin@demo.local');
    const bobs = (await admin.get(`/api/tickets/${other.ticket}/messages`)).body.messages;
    expect(bobs.map((m: { body: string }) => m.body)).toContain('My oven does not heat.');
    const customerWords = async (n: unknown) => (await admin.get(`/api/tickets/${n}/messages`)).body.messages.filter((m: { author: { type: string } }) => m.author.type === 'customer').map((m: { body: string }) => m.body);
    expect(await customerWords(first.ticket)).toEqual(['The fridge hums loudly.']);
    expect(await customerWords(again.ticket)).toEqual(['Now it also leaks water.']);
  });

  it('threads a reference only for the ticket\'s participants: a stranger gets a new linked ticket; outbound Message-IDs are random', async () => {
    const created = await mail.processed(await mail.send(buildMail({ from: { name: 'Cai', address: 'cai@example.cn' }, to, subject: 'Washer E4', messageId: '<cai-1@example.cn>', text: 'Error E4 on the washer.' }), { from: 'cai@example.cn', to: [to] }));
    const number = created.ticket as number;
    const agent = await suite.app.as('agent1@demo.local');
    const ids: string[] = [];
    for (const body of ['Please send the serial number.', 'Is the door closed?']) {
      const r = await agent.post(`/api/tickets/${number}/messages`).send({ body });
      expect(r.status).toBe(201);
      const sent = await suite.sink.next((m) => m.parsed.text?.includes(body) === true);
      const id = sent.parsed.messageId!;
      // 144 random bits, nothing derived from the message or the ticket (it was <messageId.number@domain>)
      expect(id).toMatch(/^<[A-Za-z0-9_-]{24}@demo\.local>$/);
      expect(id).not.toContain(r.body.id);
      ids.push(id);
    }
    expect(ids[0]).not.toBe(ids[1]);

    // a stranger who learnt one of them
    const stranger = await mail.processed(await mail.send(buildMail({ from: { address: 'mallory@example.net' }, to, subject: 'Re: Washer E4', messageId: '<mallory-1@example.net>', inReplyTo: ids[0], references: [ids[0]], text: 'Let me in.' }), { from: 'mallory@example.net', to: [to] }));
    expect(stranger.created).toBe(true);
    expect(stranger.ticket).not.toBe(number);
    const admin = await suite.app.as('admin@demo.local');
    expect((await admin.get(`/api/tickets/${stranger.ticket}`)).body).toMatchObject({ linkedFrom: number, customer: { email: 'mallory@example.net' } });
    expect(JSON.stringify((await admin.get(`/api/tickets/${number}/messages`)).body)).not.toContain('Let me in.');

    // the customer, and a colleague the customer wrote with in Cc, thread in
    const own = await mail.processed(await mail.send(buildMail({ from: { address: 'cai@example.cn' }, to: `${to}, lin@example.cn`, subject: 'Re: Washer E4', messageId: '<cai-2@example.cn>', inReplyTo: ids[0], text: 'Serial SN42. My colleague Lin may answer too.' }), { from: 'cai@example.cn', to: [to] }));
    expect(own).toMatchObject({ ticket: number, created: false });
    const colleague = await mail.processed(await mail.send(buildMail({ from: { address: 'lin@example.cn' }, to, subject: 'Re: Washer E4', messageId: '<lin-1@example.cn>', inReplyTo: ids[1], text: 'Yes, the door is closed.' }), { from: 'lin@example.cn', to: [to] }));
    expect(colleague).toMatchObject({ ticket: number, created: false });
  });

  it('keeps every participant that mails landing on one ticket at once bring in, up to the cap', async () => {
    const colleagues = Array.from({ length: 8 }, (_, i) => `colleague${i}@example.cn`);
    const opened = await mail.processed(await mail.send(buildMail({ from: { address: 'hua@example.cn' }, to: [to, ...colleagues].join(', '), subject: 'Cold room', messageId: '<hua-1@example.cn>', text: 'The cold room is warm.' }), { from: 'hua@example.cn', to: [to] }));
    expect(opened.created).toBe(true);
    // each colleague answers at once, bringing in one more person: eight senders, applied in parallel
    const answers = await Promise.all(
      colleagues.map(async (c, i) =>
        mail.processed(await mail.send(buildMail({ from: { address: c }, to: `${to}, extra${i}@example.cn`, subject: 'Re: Cold room', messageId: `<hua-c${i}@example.cn>`, inReplyTo: '<hua-1@example.cn>', text: `Seen, ${i}.` }), { from: c, to: [to] })),
      ),
    );
    expect(answers).toEqual(colleagues.map(() => ({ ticket: opened.ticket, created: false })));
    // every one of them brought in threads in: no answer undid another's
    const extras = await Promise.all(
      colleagues.map(async (_, i) =>
        mail.processed(await mail.send(buildMail({ from: { address: `extra${i}@example.cn` }, to, subject: 'Re: Cold room', messageId: `<hua-x${i}@example.cn>`, inReplyTo: `<hua-c${i}@example.cn>`, text: `Me too, ${i}.` }), { from: `extra${i}@example.cn`, to: [to] })),
      ),
    );
    expect(extras).toEqual(colleagues.map(() => ({ ticket: opened.ticket, created: false })));
    // a mailing list of 100: only as many as the ticket has room for (17 known, 50 at most)
    const list = Array.from({ length: 100 }, (_, i) => `list${i}@example.cn`);
    await mail.processed(await mail.send(buildMail({ from: { address: 'hua@example.cn' }, to: [to, ...list].join(', '), subject: 'Re: Cold room', messageId: '<hua-2@example.cn>', inReplyTo: '<hua-1@example.cn>', text: 'To everyone.' }), { from: 'hua@example.cn', to: [to] }));
    const ticket = await suite.app.c.models.Ticket.findOne({ number: opened.ticket }).lean();
    expect((ticket!.meta as Record<string, string[]>).mailParticipants).toHaveLength(MAX_PARTICIPANTS);
    const reply = (from: string, n: number) => buildMail({ from: { address: from }, to, subject: 'Re: Cold room', messageId: `<list-${n}@example.cn>`, inReplyTo: '<hua-2@example.cn>', text: 'Unsubscribe?' });
    expect(await mail.processed(await mail.send(reply('list0@example.cn', 0), { from: 'list0@example.cn', to: [to] }))).toEqual({ ticket: opened.ticket, created: false });
    const outside = await mail.processed(await mail.send(reply('list99@example.cn', 99), { from: 'list99@example.cn', to: [to] }));
    expect(outside.created).toBe(true);
    expect(outside.ticket).not.toBe(opened.ticket);
  });

  it('lets the participants an earlier version kept beside the ticket thread in, and keeps them on the ticket from then on', async () => {
    const opened = await mail.processed(await mail.send(buildMail({ from: { address: 'jia@example.cn' }, to: `${to}, yi@example.cn`, subject: 'Ice maker', messageId: '<jia-1@example.cn>', text: 'No ice.' }), { from: 'jia@example.cn', to: [to] }));
    // as a ticket of an earlier version: no list on it, its participants in their own collection
    const { Ticket } = suite.app.c.models;
    const t = await Ticket.findOneAndUpdate({ number: opened.ticket }, { $unset: { 'meta.mailParticipants': 1 } }, { new: true }).lean();
    await mailParticipantsModel(suite.app.c.conn).create({ _id: t!._id, addresses: ['jia@example.cn', 'yi@example.cn'] });
    const yi = await mail.processed(await mail.send(buildMail({ from: { address: 'yi@example.cn' }, to: `${to}, bing@example.cn`, subject: 'Re: Ice maker', messageId: '<yi-1@example.cn>', inReplyTo: '<jia-1@example.cn>', text: 'Still none.' }), { from: 'yi@example.cn', to: [to] }));
    expect(yi).toEqual({ ticket: opened.ticket, created: false });
    expect(((await Ticket.findById(t!._id).lean())!.meta as Record<string, string[]>).mailParticipants.sort()).toEqual(['bing@example.cn', 'jia@example.cn', 'yi@example.cn']);
    const bing = await mail.processed(await mail.send(buildMail({ from: { address: 'bing@example.cn' }, to, subject: 'Re: Ice maker', messageId: '<bing-1@example.cn>', inReplyTo: '<yi-1@example.cn>', text: 'Same here.' }), { from: 'bing@example.cn', to: [to] }));
    expect(bing).toEqual({ ticket: opened.ticket, created: false });
  });

  it('marks a reply failed only for a real DSN sent with a null reverse-path; forged bounces change nothing', async () => {
    const agent = await suite.app.as('agent1@demo.local');
    const created = await agent.post('/api/tickets').send({ channel: 'email', subject: 'Dryer', body: 'Noisy', customer: { name: 'Du', email: 'du@example.cn' } });
    const reply = await agent.post(`/api/tickets/${created.body.number}/messages`).send({ body: 'Which model is it?' });
    const out = await suite.sink.next((m) => m.parsed.text?.includes('Which model is it?') === true);
    const bounce = buildBounce({ to, originalMessageId: out.parsed.messageId!, originalSubject: out.parsed.subject!, recipient: 'du@example.cn' });
    const delivery = async () => (await agent.get(`/api/tickets/${created.body.number}/messages`)).body.messages.find((m: { id: string }) => m.id === reply.body.id).delivery.status;
    expect(await mail.processed(await mail.send(bounce, { from: 'du@example.cn', to: [to] }))).toEqual({ ignored: 'bounce' }); // a DSN, but not from a null reverse-path
    const plain = ['From: MAILER-DAEMON@mx.example.net', `To: ${to}`, 'Subject: Undelivered Mail Returned to Sender', 'Message-ID: <fake-bounce@mx.example.net>', 'Content-Type: text/plain', '', `Your mail ${out.parsed.messageId} could not be delivered.`, `Message-ID: ${out.parsed.messageId}`, ''].join('\r\n');
    expect(await mail.processed(await mail.send(plain, { from: '', to: [to] }))).toEqual({ ignored: 'bounce' }); // no delivery-status part
    expect(await delivery()).toBe('sent');
    const msgs = (await agent.get(`/api/tickets/${created.body.number}/messages`)).body.messages;
    expect(msgs.some((m: { event: { type: string } | null }) => m.event?.type === 'mail_bounced')).toBe(false);
    // the real one
    await mail.processed(await mail.send(bounce.replace('<bounce-', '<bounce-real-'), { from: '', to: [to] }));
    expect(await delivery()).toBe('failed');
  });

  it('applies a sender\'s mails in order: a reply parsed before its original still threads into it', async () => {
    // the original is slow to parse (a large attachment), the reply to it is not
    const big = buildMail({ from: { address: 'eva@example.com' }, to, subject: 'Dishwasher manual', messageId: '<eva-1@example.com>', text: 'Manual attached.', attachments: [{ filename: 'manual.pdf', content: Buffer.alloc(700_000, 7), contentType: 'application/pdf' }] });
    const reply = buildMail({ from: { address: 'eva@example.com' }, to, subject: 'Re: Dishwasher manual', messageId: '<eva-2@example.com>', inReplyTo: '<eva-1@example.com>', references: ['<eva-1@example.com>'], text: 'Page 12 is about the error.' });
    await suite.app.stopWorkers();
    const first = await mail.send(big, { from: 'eva@example.com', to: [to] });
    const second = await mail.send(reply, { from: 'eva@example.com', to: [to] });
    await suite.app.startWorkers(); // both jobs waiting: taken up together, parsed in parallel
    const a = await mail.processed(first);
    const b = await mail.processed(second);
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ ticket: a.ticket, created: false });
  });

  it('re-queues a stored raw mail whose job was lost, once', async () => {
    await suite.app.stopWorkers();
    const jobId = await mail.send(buildMail({ from: { address: 'lost@example.com' }, to, subject: 'Lost job', messageId: '<lost-1@example.com>', text: 'Nobody took me in.' }), { from: 'lost@example.com', to: [to] });
    await (await suite.app.c.queues.get('mail-in').getJob(jobId))!.remove(); // Redis lost it
    // and one stored long before sweeping began, by a version that kept no records: left alone
    const old = buildMail({ from: { address: 'old@example.com' }, to, subject: 'Before', messageId: '<before-1@example.com>', text: 'old' });
    const oldHash = crypto.createHash('sha256').update(old).digest('hex');
    const oldFile = path.join(suite.app.dataDir, 'mail', 'inbound', `${oldHash}.eml`);
    fs.writeFileSync(oldFile, old);
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
    fs.utimesSync(oldFile, dayAgo, dayAgo);
    await suite.app.startWorkers();
    const before = await suite.app.c.models.Ticket.countDocuments({});
    expect(await mail.email().sweepRawMail()).toMatchObject({ requeued: 0 }); // too fresh: may still be on its way to its job
    (suite.app.clock as MovableClock).advance(10 * 60 * 1000);
    const first = await mail.email().sweepRawMail();
    expect(first.requeued).toBe(1);
    const done = await mail.processed(jobId);
    expect(done.created).toBe(true);
    expect(await mail.email().sweepRawMail()).toMatchObject({ requeued: 0, checked: first.checked });
    expect(await suite.app.c.queues.get('mail-in').getJob(`mail-${oldHash}`)).toBeUndefined();
    expect(await suite.app.c.models.Ticket.countDocuments({})).toBe(before + 1);
    const admin = await suite.app.as('admin@demo.local');
    expect((await admin.get(`/api/tickets/${done.ticket}/messages`)).body.messages[0].body).toBe('Nobody took me in.');
  });

  it('re-queues a lost job with the envelope its mail came with: a team address only in the envelope still routes it', async () => {
    await suite.app.stopWorkers();
    // sent to the returns desk by Bcc: no team address in the headers, only in the envelope
    const raw = buildMail({ from: { address: 'bcc@example.com' }, to: 'friend@example.org', subject: 'Return my kettle', messageId: '<bcc-1@example.com>', text: 'It leaks; I want my money back.' });
    const jobId = await mail.send(raw, { from: 'bcc@example.com', to: ['returns@demo.local'] });
    await (await suite.app.c.queues.get('mail-in').getJob(jobId))!.remove(); // Redis lost it
    await suite.app.startWorkers();
    (suite.app.clock as MovableClock).advance(10 * 60 * 1000);
    expect((await mail.email().sweepRawMail()).requeued).toBe(1);
    const done = await mail.processed(jobId);
    expect(done.created).toBe(true);
    const ticket = await suite.app.c.models.Ticket.findOne({ number: done.ticket }).lean();
    expect(ticket!.team).toBe('returns');
  });

  it('dead-letters an unparseable mail instead of completing it, lists it for admins only, and replays it', async () => {
    // a header block past the MIME splitter's limit (1 MiB): the parser refuses the mail
    const junk = Array.from({ length: 18_000 }, (_, i) => `X-Junk-${i}: ${'j'.repeat(60)}`).join('\r\n');
    const raw = buildMail({ from: { address: 'junk@example.com' }, to, subject: 'Unreadable', messageId: '<junk-1@example.com>', text: 'x', headers: { 'X-Before': 'junk' } }).replace('X-Before: junk', junk);
    const jobId = await mail.send(raw, { from: 'junk@example.com', to: [to] });
    const failed = await mail.deadLettered(jobId, 30_000);
    expect(failed.failedReason).toMatch(/unparseable/);
    const hash = jobId.replace(/^mail-/, '');
    const admin = await suite.app.as('admin@demo.local');
    const list = await admin.get('/api/mail/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: hash, via: 'smtp', mailFrom: 'junk@example.com', rcpt: [to], subject: 'Unreadable', from: '<junk@example.com>', attempts: 3, reason: expect.stringMatching(/unparseable/) })]);
    expect((await (await suite.app.as('agent1@demo.local')).get('/api/mail/dead-letters')).status).toBe(403);
    expect((await (await suite.app.as('manager@demo.local')).post(`/api/mail/dead-letters/${hash}/replay`)).status).toBe(403);
    const raw2 = await admin.get(`/api/mail/dead-letters/${hash}/raw`);
    expect(raw2.status).toBe(200);
    expect(raw2.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(fs.existsSync(path.join(suite.app.dataDir, 'mail', 'inbound', `${hash}.eml`))).toBe(true);

    const replay = await admin.post(`/api/mail/dead-letters/${hash}/replay`);
    expect(replay.status).toBe(202);
    expect((await admin.post(`/api/mail/dead-letters/${'0'.repeat(64)}/replay`)).status).toBe(404);
    expect((await admin.post('/api/mail/dead-letters/not-an-id/replay')).status).toBe(400);
    // it runs again (and, being still unparseable, is dead-lettered again with fresh attempts)
    await mail.deadLettered(jobId, 30_000);
    const again = (await admin.get('/api/mail/dead-letters')).body.items.find((d: { id: string }) => d.id === hash);
    expect(again.attempts).toBe(3);
    const doc = (await suite.app.http().get('/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/mail/dead-letters', '/api/mail/dead-letters/{id}/replay', '/api/mail/dead-letters/{id}/raw']));
  });

  it('makes no second ticket of a mail taken in again after a crash before its references and record, and its participants keep their access', async () => {
    const { Ticket, Message } = suite.app.c.models;
    const jobId = await mail.send(buildMail({ from: { address: 'kim@example.com' }, to: `${to}, lee@example.com`, subject: 'Freezer alarm', messageId: '<kim-1@example.com>', text: 'It beeps.' }), { from: 'kim@example.com', to: [to] });
    const first = await mail.processed(jobId);
    expect(first.created).toBe(true);
    const before = await Ticket.countDocuments({});
    // the crash: the ticket and its messages stored, the mail's references and intake record not,
    // and the job gone with Redis
    const hash = jobId.replace(/^mail-/, '');
    const refs = suite.app.c.conn.collection('mailrefs');
    const t = await Ticket.findOne({ number: first.ticket }).lean();
    expect(await refs.countDocuments({ $or: [{ _id: hash as never }, { ticketId: t!._id }] })).toBe(3); // in, the acknowledgement's out, the record
    await refs.deleteMany({ $or: [{ _id: hash as never }, { ticketId: t!._id }] });
    await (await suite.app.c.queues.get('mail-in').getJob(jobId))!.remove();
    (suite.app.clock as MovableClock).advance(10 * 60 * 1000);
    expect(await mail.email().sweepRawMail()).toMatchObject({ requeued: 1 });
    expect(await mail.processed(jobId)).toEqual({ duplicate: true, ticket: first.ticket });
    expect(await Ticket.countDocuments({})).toBe(before);
    expect(await Message.countDocuments({ ticketId: t!._id })).toBe(2); // the mail and one acknowledgement
    expect(await mail.email().sweepRawMail()).toMatchObject({ requeued: 0 });
    // the references were written again: Lee, on the first mail, answers it and lands on the ticket
    const lee = await mail.processed(await mail.send(buildMail({ from: { address: 'lee@example.com' }, to, subject: 'Re: Freezer alarm', messageId: '<lee-1@example.com>', inReplyTo: '<kim-1@example.com>', text: 'Mine too.' }), { from: 'lee@example.com', to: [to] }));
    expect(lee).toEqual({ ticket: first.ticket, created: false });
  });
});
