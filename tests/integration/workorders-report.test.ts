import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { startSink } from '../fixtures/mail/sink';
import { appSuite } from '../helpers/app-suite';

/** A real PNG (a short black stroke on white), as a phone's signature canvas would give. */
export function signaturePng(width = 120, height = 40): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height, 255);
  for (let y = 0; y < height; y++) {
    rows[y * (width + 1)] = 0;
    const x = Math.round(10 + (y / height) * (width - 20));
    if (y > 5 && y < height - 5) rows[y * (width + 1) + 1 + x] = 0;
  }
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8');
/** How many images a PDF holds (poppler's pdfimages, beside pdftotext). */
const pdfImages = (pdf: Buffer) => {
  const file = path.join(os.tmpdir(), `report-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdfimages', ['-list', file]).toString('utf8').trim().split('\n').slice(2).length;
  } finally {
    fs.rmSync(file, { force: true });
  }
};

describe('service report: locked once filed, a PDF with Chinese text, mailed to the customer', () => {
  const suite = appSuite({ mail: startSink });
  const diagnosis = '压缩机启动电容损坏，导致空调不制冷（E4）。';

  it('walks to the report, mails the customer at each step in Chinese, and the mailed PDF carries the Chinese diagnosis', async () => {
    const sup = await suite.app.as('supervisor@demo.local');
    const eng = await suite.app.as('engineer1@demo.local');
    const engineer1 = String((await suite.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
    const start = new Date(suite.app.clock.now().getTime() + 3600_000);
    const window = { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() };
    const wo = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '空调不制冷', address: '上海市浦东新区世纪大道 100 号', window, engineer: engineer1 })).body;
    expect(wo.status).toBe('dispatched');
    const step = (type: string) => eng.post(`/api/work-orders/${wo.id}/events`).send({ type, clientId: `r-${type}-${wo.id}` });

    expect((await step('accept')).body.status).toBe('accepted');
    const confirmed = await suite.sink.next((m) => m.rcpt.includes('zhang.wei@example.cn') && /已确认/.test(m.parsed.subject ?? ''));
    expect(confirmed.parsed.subject).toContain(wo.number);
    expect(confirmed.parsed.subject).toContain(`[#${ticket}]`);
    expect(confirmed.parsed.text).toContain('Zhou Qiang (周强)');
    expect(confirmed.parsed.text).toContain('Asia/Shanghai');
    expect((await step('depart')).body.status).toBe('en_route');
    await suite.sink.next((m) => m.rcpt.includes('zhang.wei@example.cn') && /工程师已出发/.test(m.parsed.subject ?? ''));

    const early = await eng.post(`/api/work-orders/${wo.id}/report`).send({ diagnosis, work: 'x', labourMinutes: 10, parts: [], refused: { reason: 'no' } });
    expect(early.status).toBe(409); // not on site yet
    expect((await step('arrive')).body.status).toBe('on_site');

    const photo = await eng.post(`/api/work-orders/${wo.id}/photos?filename=capacitor.png`).set('Content-Type', 'image/png').send(Buffer.from(signaturePng().split(',')[1], 'base64'));
    expect(photo.status).toBe(201);
    expect((await eng.post(`/api/work-orders/${wo.id}/photos`).set('Content-Type', 'text/html').send('<b>x</b>')).status).toBe(415);
    // a file that says it is a JPEG but is not one (what a browser would not show as an image)
    const fake = await eng.post(`/api/work-orders/${wo.id}/photos?filename=x.jpg`).set('Content-Type', 'image/jpeg').send(Buffer.from('<svg onload=alert(1)>'));
    expect(fake.status).toBe(415);
    expect(fake.body.error.code).toBe('unsupported_media_type');

    const report = {
      diagnosis,
      work: '更换启动电容（35µF），试机制冷正常。Replaced the start capacitor.',
      labourMinutes: 45,
      parts: [{ sku: 'CAP-35UF', qty: 1, defectiveSerial: 'OLD-771', newSerial: 'NEW-992' }],
      signature: { name: '张伟', png: signaturePng() },
      photos: [photo.body.id],
      clientId: 'report-0001-abcdef',
    };
    expect((await eng.post(`/api/work-orders/${wo.id}/report`).send({ ...report, signature: { name: '张伟', png: 'data:image/png;base64,AAAA' } })).status).toBe(400);
    expect((await eng.post(`/api/work-orders/${wo.id}/report`).send({ ...report, refused: { reason: 'x' } })).status).toBe(400); // both
    const filed = await eng.post(`/api/work-orders/${wo.id}/report`).send(report);
    expect(filed.status).toBe(201);
    expect(filed.body.workOrder).toMatchObject({ status: 'completed', report: { version: 1 } });
    expect(filed.body.report).toMatchObject({ version: 1, diagnosis, labourMinutes: 45, parts: report.parts });

    const replay = await eng.post(`/api/work-orders/${wo.id}/report`).send(report);
    expect(replay.status).toBe(200); // the phone's retry of the same report
    const locked = await eng.post(`/api/work-orders/${wo.id}/report`).send({ ...report, clientId: 'report-0002-abcdef', diagnosis: 'changed' });
    expect(locked.status).toBe(409);
    expect(locked.body.error.code).toBe('report_locked');
    expect((await eng.get(`/api/work-orders/${wo.id}/report`)).body.diagnosis).toBe(diagnosis);

    const pdf = await sup.get(`/api/work-orders/${wo.id}/report.pdf`).buffer(true).parse((res, cb) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => cb(null, Buffer.concat(parts)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain(diagnosis);
    expect(text).toContain('技术服务报告单');
    expect(text).toContain('张伟');
    expect(text).toContain('CAP-35UF');
    // the photo the report names is in it, beside the signature: two images
    expect(text).toContain('现场照片 Photos');
    expect(text).toContain('capacitor.png');
    expect(pdfImages(pdf.body as Buffer)).toBe(2);
    expect((pdf.body as Buffer).length).toBeLessThan(300_000); // the font is subset, not embedded whole

    const mail = await suite.sink.next((m) => m.rcpt.includes('zhang.wei@example.cn') && /技术服务报告单/.test(m.parsed.subject ?? ''), 30_000);
    const attached = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(attached?.filename).toBe(`${wo.number}-v1.pdf`);
    expect(pdfText(attached!.content)).toContain(diagnosis);

    // a correction is a new version by a supervisor; the engineer cannot
    const correction = { ...report, clientId: undefined, diagnosis: '压缩机启动电容损坏（更正：型号 45µF）。', correction: '电容型号写错' };
    expect((await eng.put(`/api/work-orders/${wo.id}/report`).send(correction)).status).toBe(403);
    const v2 = await sup.put(`/api/work-orders/${wo.id}/report`).send(correction);
    expect(v2.status).toBe(201);
    expect(v2.body.report).toMatchObject({ version: 2, correction: '电容型号写错' });
    await suite.sink.next((m) => m.rcpt.includes('zhang.wei@example.cn') && /更正后的技术服务报告单/.test(m.parsed.subject ?? ''), 30_000);

    const timeline = await sup.get(`/api/tickets/${ticket}/messages`);
    const types = timeline.body.messages.map((m: { event?: { type: string } | null }) => m.event?.type).filter(Boolean);
    expect(types).toEqual(expect.arrayContaining(['workorder.report', 'workorder.report_corrected']));
  });
});
