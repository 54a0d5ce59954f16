import { SYSTEM } from '../../src/core/types';
import { startSink } from '../fixtures/mail/sink';
import { nextEvent } from '../helpers/harness';
import { appSuite } from '../helpers/app-suite';

/** A real (tiny) PNG: the signature, an IHDR chunk, and the end. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('attachments from agents and website visitors', () => {
  const suite = appSuite({ app: { env: { ATTACHMENT_MAX_BYTES: String(64 * 1024) } }, mail: startSink });

  const mailTicket = async (subject: string, team = 'support') =>
    (await suite.app.c.tickets.create({ channel: 'email', subject, team, customer: { name: 'Mia Wong', email: 'mia.wong@example.com' }, message: { channel: 'email', body: 'The display is cracked.', author: { type: 'customer', name: 'Mia Wong' } } }, SYSTEM)).ticket;

  it('sends an agent\'s file with the reply mail; only the ticket\'s teams download it', async () => {
    const t = await mailTicket('Cracked display');
    const a1 = await suite.app.as('agent1@demo.local');
    const up = await a1.post(`/api/tickets/${t.number}/attachments?filename=${encodeURIComponent('维修报价.pdf')}`).set('Content-Type', 'application/pdf').send(PDF);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: '维修报价.pdf', contentType: 'application/pdf', size: PDF.length });
    const reply = await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'Please find the quote attached.', attachments: [up.body.id] });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toEqual([expect.objectContaining({ id: up.body.id, filename: '维修报价.pdf', url: `/api/tickets/${t.number}/attachments/${up.body.id}` })]);
    const mail = await suite.sink.next((m) => m.parsed.text?.includes('quote attached') === true);
    expect(mail.rcpt).toEqual(['mia.wong@example.com']);
    expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.equals(PDF)])).toEqual([['维修报价.pdf', 'application/pdf', true]]);

    const file = await a1.get(reply.body.attachments[0].url).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.from(file.body).equals(PDF)).toBe(true);
    expect((await (await suite.app.as('agent2@demo.local')).get(reply.body.attachments[0].url)).status).toBe(404); // another team's ticket is as if it did not exist
    // an upload is sent once, and only by who uploaded it
    expect((await a1.post(`/api/tickets/${t.number}/messages`).send({ body: 'again', attachments: [up.body.id] })).status).toBe(409);
    const sup = await suite.app.as('supervisor@demo.local');
    const other = await a1.post(`/api/tickets/${t.number}/attachments?filename=a.png`).set('Content-Type', 'image/png').send(PNG);
    const stolen = await sup.post(`/api/tickets/${t.number}/messages`).send({ body: 'mine now', attachments: [other.body.id] });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details[0]).toMatchObject({ path: 'attachments.0', code: 'unknown_attachment' });
  });

  it('refuses files that are too large, of a type not accepted, or not what they say (413, 415) and stores nothing', async () => {
    const t = await mailTicket('Refusals');
    const a1 = await suite.app.as('agent1@demo.local');
    const big = await a1.post(`/api/tickets/${t.number}/attachments?filename=big.pdf`).set('Content-Type', 'application/pdf').send(Buffer.concat([PDF, Buffer.alloc(70 * 1024, 32)]));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'payload_too_large', details: { maxBytes: 64 * 1024 } });
    const exe = await a1.post(`/api/tickets/${t.number}/attachments?filename=setup.exe`).set('Content-Type', 'application/x-msdownload').send(Buffer.from('MZ\x90\x00'));
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('unsupported_media_type');
    const fake = await a1.post(`/api/tickets/${t.number}/attachments?filename=photo.png`).set('Content-Type', 'image/png').send(Buffer.from('<html><script>alert(1)</script></html>'));
    expect(fake.status).toBe(415);
    expect(fake.body.error.code).toBe('content_mismatch');
    expect(await suite.app.c.models.Ticket.db.model('Upload').countDocuments({ filename: { $in: ['big.pdf', 'setup.exe', 'photo.png'] } })).toBe(0);
    expect((await (await suite.app.as('agent2@demo.local')).post(`/api/tickets/${t.number}/attachments?filename=a.png`).set('Content-Type', 'image/png').send(PNG)).status).toBe(404);
  });

  it('lets a website visitor send a photo over HTTP with the visitor token; the agent sees it on the chat', async () => {
    const visitor = suite.app.socket('/chat', { name: 'Lin Tao', locale: 'zh-CN' });
    const session = await nextEvent<{ visitorToken: string }>(visitor, 'session');
    const up = await suite.app.http().post('/api/chat/attachments?filename=fault.png').set('X-Visitor-Token', session.visitorToken).set('Content-Type', 'image/png').send(PNG);
    expect(up.status).toBe(201);
    expect((await suite.app.http().post('/api/chat/attachments?filename=fault.png').set('Content-Type', 'image/png').send(PNG)).status).toBe(401);
    expect((await suite.app.http().post('/api/chat/attachments?filename=f.pdf').set('X-Visitor-Token', session.visitorToken).set('Content-Type', 'application/pdf').send(PDF)).status).toBe(415);

    const agent = await suite.app.agentSocket('agent1@demo.local');
    const created = nextEvent<{ number: number; subject: string }>(agent, 'ticket:created', () => true, 15000);
    const ack = await visitor.timeout(10000).emitWithAck('message:send', { body: '', clientId: 'photo-1', attachments: [up.body.id] });
    expect(ack.ticketNumber).toBeGreaterThan(0);
    expect(await created).toMatchObject({ number: ack.ticketNumber, subject: 'fault.png' });
    // a second photo on the open chat reaches the agents live
    const second = await suite.app.http().post('/api/chat/attachments?filename=second.png').set('X-Visitor-Token', session.visitorToken).set('Content-Type', 'image/png').send(PNG);
    const seen = nextEvent<{ message: { attachments: { id: string; filename: string }[] } }>(agent, 'message:new', (p) => p.message.attachments?.length > 0, 15000);
    await visitor.timeout(10000).emitWithAck('message:send', { body: '背面也有裂纹', clientId: 'photo-2', attachments: [second.body.id] });
    expect((await seen).message.attachments).toEqual([expect.objectContaining({ id: second.body.id, filename: 'second.png' })]);
    const a1 = await suite.app.as('agent1@demo.local');
    const msgs = (await a1.get(`/api/tickets/${ack.ticketNumber}/messages`)).body.messages as { attachments: { url: string; contentType: string }[] }[];
    const att = msgs.flatMap((m) => m.attachments)[0];
    expect(att.contentType).toBe('image/png');
    const file = await a1.get(att.url).buffer(true);
    expect(Buffer.from(file.body).equals(PNG)).toBe(true);
    // the visitor gets their own chat's files back, nobody else does
    const mine = await suite.app.http().get(`/api/chat/attachments/${up.body.id}`).set('X-Visitor-Token', session.visitorToken).buffer(true);
    expect(mine.status).toBe(200);
    const stranger = suite.app.socket('/chat', { name: 'Other' });
    const otherSession = await nextEvent<{ visitorToken: string }>(stranger, 'session');
    expect((await suite.app.http().get(`/api/chat/attachments/${up.body.id}`).set('X-Visitor-Token', otherSession.visitorToken)).status).toBe(404);
    // a retried send (same clientId) is stored once
    const again = await visitor.timeout(10000).emitWithAck('message:send', { body: '', clientId: 'photo-1', attachments: [up.body.id] });
    expect(again.id).toBe(ack.id);
  });
});
