import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import libqp from 'libqp';
import MimeNode from '@zone-eu/mailsplit/lib/mime-node.js';
import { parseStoredMail } from '../../../../src/channels/email/mail-parse';
import { CappedDecoder, QpDecoder } from '../../../../src/channels/email/mail-decode';
import { MailStore } from '../../../../src/channels/email/mail-store';

async function decodeInPieces(input: Buffer, cuts: number[]): Promise<Buffer> {
  const d = new QpDecoder();
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => d.on('end', resolve));
  let at = 0;
  for (const cut of [...cuts, input.length]) {
    d.write(input.subarray(at, cut));
    at = cut;
  }
  d.end();
  await done;
  return Buffer.concat(out);
}

describe('quoted-printable decoded as it streams', () => {
  // escapes, soft breaks (CRLF and LF), trailing blanks, broken escapes, raw 8-bit bytes, "==\n" joins
  const samples = [
    'Caf=C3=A9 au lait =E4=B8=AD=E6=96=87\r\nline two   \r\nsoft=\r\nbreak=\nhere\t \nend=',
    '==\n\nA=A=\nB =\r\n  \r\n=3D=3d=G1=\r=\r\n=4',
    '=E4=B8=AD'.repeat(50_000) + '  \t',
    'x'.repeat(70_000) + ' =\r\n' + 'y'.repeat(70_000) + '=4',
    Buffer.from([0xe4, 0xb8, 0xad, 0x3d, 0x0d, 0x0a, 0x20, 0x0a, 0xff]).toString('latin1'),
  ];
  it.each(samples.map((s, i) => [i, s]))('sample %i gives what libqp gives for the whole input, however it is cut', async (_i, sample) => {
    const input = Buffer.from(sample as string, 'latin1');
    const whole = libqp.decode(input);
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 40; round++) {
      const cuts = [...new Set(Array.from({ length: 1 + rnd(12) }, () => rnd(input.length + 1)))].sort((a, b) => a - b);
      expect((await decodeInPieces(input, cuts)).equals(whole)).toBe(true);
    }
    expect((await decodeInPieces(input, Array.from({ length: Math.min(input.length, 300) }, (_, k) => k))).equals(whole)).toBe(true);
  });

  it('is what the mail parser uses, and a shown text part stops at the cap while attachments stay whole', () => {
    const node = (headers: string) => {
      const n = new MimeNode(false, {});
      for (const line of [...headers.split('\r\n'), '']) n.addHeaderChunk(Buffer.from(line + '\r\n'));
      return n.getDecoder();
    };
    expect(node('Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable')).toBeInstanceOf(CappedDecoder);
    expect(node('Content-Type: application/pdf\r\nContent-Transfer-Encoding: quoted-printable')).toBeInstanceOf(QpDecoder);
    expect(node('Content-Type: text/plain\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64')).not.toBeInstanceOf(CappedDecoder);
  });

  it('a 10 MB quoted-printable mail parses to the capped text and the whole attachment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-decode-'));
    try {
      const store = new MailStore(dir);
      const html = '<p>' + '您好 hello '.repeat(400_000) + '</p>';
      const attachment = libqp.wrap('a=3Db '.repeat(20_000) + 'end', 76);
      const raw = [
        'From: Ann <ann@example.com>',
        'To: support@demo.local',
        'Subject: big',
        'Message-ID: <big-qp@example.com>',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        libqp.wrap(libqp.encode(Buffer.from(html)), 76),
        '--b',
        'Content-Type: text/plain; name="notes.txt"',
        'Content-Disposition: attachment; filename="notes.txt"',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        attachment,
        '--b--',
        '',
      ].join('\r\n');
      const file = path.join(dir, 'big.eml');
      fs.writeFileSync(file, raw);
      expect(raw.length).toBeGreaterThan(10_000_000);
      const mail = await parseStoredMail(file, store);
      expect(mail.html?.startsWith('<p>您好 hello 您好 hello')).toBe(true);
      expect(mail.html?.length).toBe(500_000);
      expect(mail.attachments).toHaveLength(1);
      expect(fs.readFileSync(store.attachmentFile(mail.attachments[0].hash), 'latin1') === 'a=b '.repeat(20_000) + 'end').toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
