import iconv from 'iconv-lite';
import { charsetContext, pickCharset } from '../../../../src/channels/email/mail-charset';
import { buildUndeclaredMail } from '../../../fixtures/mail/build';
import { useMailStore } from '../../../fixtures/mail/parse';

/**
 * Mails from older clients that write raw GBK, Big5 or Shift_JIS bytes without saying so (or say
 * the wrong thing), built byte by byte: what the agent sees must be the Chinese or Japanese text,
 * never U+FFFD or Latin-1 mojibake.
 */
describe('undeclared and wrongly declared charsets', () => {
  const mails = useMailStore('mail-charset');
  const parse = (raw: Buffer | string) => mails.parse(raw);

  const cases = [
    { label: 'raw GBK, nothing declared, with an attachment', charset: 'gbk', name: '张伟', subject: '投诉：洗衣机漏水', text: '你好，我去年购买的滚筒洗衣机又漏水了，已经维修两次仍未解决，请尽快处理。', file: '维修单据.pdf' },
    { label: 'raw Shift_JIS, nothing declared', charset: 'shift_jis', name: '田中太郎', subject: '洗濯機の故障について', text: '先週購入した洗濯機が動きません。修理をお願いします。', file: '保証書.pdf' },
    { label: 'raw Big5, nothing declared', charset: 'big5', name: '陳大文', subject: '冷氣機不冷', text: '您好，冷氣機不冷，請派人來修理。謝謝。', file: '發票.pdf' },
    { label: 'raw GBK labelled us-ascii', charset: 'gbk', declare: 'us-ascii', name: '李娜', subject: '空调不制冷', text: '空调不制冷了，请问怎么办？我已经清洗过滤网。', file: '照片.pdf' },
    { label: 'raw GBK labelled utf-8', charset: 'gbk', declare: 'utf-8', name: '王芳', subject: '退货申请', text: '我要退货，机器到货就坏了，请尽快安排上门取件。', file: '订单.pdf' },
    { label: 'raw GBK labelled with an unknown charset', charset: 'gbk', declare: 'x-unknown', name: '赵强', subject: '热水器漏电', text: '热水器有漏电的情况，非常危险，请马上派人检查。', file: '说明.pdf' },
  ];

  it.each(cases.map((c) => [c.label, c] as const))('%s: subject, sender name, body and file name read as written', async (_l, c) => {
    const raw = buildUndeclaredMail({ charset: c.charset, declare: c.declare, from: { name: c.name, address: 'customer@example.cn' }, to: 'support@demo.local', subject: c.subject, messageId: '<raw@example.cn>', text: c.text, attachment: { filename: c.file, content: Buffer.from('%PDF-1.4') } });
    expect(raw.includes(Buffer.from('charset=gb')) || raw.includes(Buffer.from('=?'))).toBe(false); // really undeclared
    const mail = await parse(raw);
    expect(mail.subject).toBe(c.subject);
    expect(mail.from).toEqual({ name: c.name, address: 'customer@example.cn' });
    expect(mail.text.trim()).toBe(c.text);
    expect(mail.attachments.map((a) => a.filename)).toEqual([c.file]);
  });

  it('an HTML part without a MIME charset is read in the charset its <meta> names, else detected', async () => {
    const raw = buildUndeclaredMail({ charset: 'gbk', from: { name: '周杰', address: 'zhou@example.cn' }, to: 'support@demo.local', subject: '维修', messageId: '<meta@example.cn>', text: '电视机黑屏了，有声音没有图像。', html: '<html><head><meta charset="gb2312"></head><body><p>电视机黑屏了，有声音没有图像。</p></body></html>' });
    const mail = await parse(raw);
    expect(mail.html).toContain('<p>电视机黑屏了，有声音没有图像。</p>');
  });

  it('an encoded word with a charset nobody knows is decoded from its bytes', async () => {
    const word = `=?x-unknown-8bit?B?${iconv.encode('洗衣机漏水', 'gbk').toString('base64')}?=`;
    const raw = `From: =?unknown?Q?${[...iconv.encode('张伟', 'gbk')].map((b) => '=' + b.toString(16).toUpperCase()).join('')}?= <z@example.cn>\r\nTo: support@demo.local\r\nSubject: ${word}\r\nMessage-ID: <word@example.cn>\r\nContent-Type: text/plain; charset=gbk\r\n\r\n${iconv.encode('请派人维修。', 'gbk').toString('latin1')}\r\n`;
    const mail = await parse(Buffer.from(raw, 'latin1'));
    expect(mail.subject).toBe('洗衣机漏水');
    expect(mail.from?.name).toBe('张伟');
    expect(mail.text.trim()).toBe('请派人维修。');
  });

  it('leaves what is declared rightly alone: Latin-1 stays Latin-1, raw UTF-8 stays UTF-8', async () => {
    const latin = Buffer.concat([Buffer.from('From: '), iconv.encode('Jürgen Müller', 'latin1'), Buffer.from(' <j@example.de>\r\nTo: support@demo.local\r\nSubject: Reparatur\r\nMessage-ID: <l1@example.de>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), iconv.encode('Die Maschine läuft nicht. Grüße', 'latin1'), Buffer.from('\r\n')]);
    const m1 = await parse(latin);
    expect(m1.text.trim()).toBe('Die Maschine läuft nicht. Grüße');
    expect(m1.from?.name).toBe('Jürgen Müller');
    const utf8 = Buffer.from('From: 张伟 <z@example.cn>\r\nTo: support@demo.local\r\nSubject: 空调不制冷\r\nMessage-ID: <u1@example.cn>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n空调不制冷了。\r\n', 'utf8');
    const m2 = await parse(utf8);
    expect([m2.subject, m2.from?.name, m2.text.trim()]).toEqual(['空调不制冷', '张伟', '空调不制冷了。']);
  });

  it('picks a declared East Asian charset for short undeclared bytes, and the detector for long ones', () => {
    expect(pickCharset(iconv.encode('李', 'gbk'), ['gb2312'])).toBe('gb18030');
    expect(pickCharset(iconv.encode('張', 'big5'), ['big5'])).toBe('cp950');
    expect(pickCharset(iconv.encode('先週購入した洗濯機が動きません。修理をお願いします。', 'shift_jis'))).toBe('cp932');
    expect(pickCharset(Buffer.from('plain ascii'))).toBe('utf-8');
    expect(charsetContext(Buffer.from('Content-Type: text/plain; charset="GB2312"\r\nSubject: =?Big5?B?xxx?=\r\n\r\n'))).toEqual({ declared: ['gb18030', 'cp950'], guessed: null });
  });
});
