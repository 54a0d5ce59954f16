import fs from 'node:fs';
import net from 'node:net';
import nodemailer from 'nodemailer';
import type { EmailModule } from '../../src/channels/email/email.module';
import { startTestApp, TestApp } from '../helpers/harness';

const mail = (n: number, size = 0) =>
  `From: Sender ${n} <sender${n}@example.com>\r\nTo: support@demo.local\r\nSubject: Limits ${n}\r\nMessage-ID: <limits-${n}-${Date.now()}@example.com>\r\n\r\nMessage ${n}${'x'.repeat(size)}\r\n`;

function send(port: number, n: number, size = 0) {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return t.sendMail({ envelope: { from: `sender${n}@example.com`, to: ['support@demo.local'] }, raw: mail(n, size) }).finally(() => t.close());
}

/** A raw SMTP connection: resolves with the server's first reply line (220 greeting or a refusal). */
function greet(port: number): Promise<{ socket: net.Socket; line: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      const i = buf.indexOf('\r\n');
      if (i >= 0) resolve({ socket, line: buf.slice(0, i) });
    });
    socket.on('error', reject);
  });
}

const smtpPort = (app: TestApp) => (app.c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort;
/** raw mails stored (each `.eml`; the envelope kept beside each is not a mail) */
const rawFiles = (app: TestApp) => fs.readdirSync(`${app.dataDir}/mail/inbound`).filter((n) => n.endsWith('.eml')).length;

describe('SMTP intake limits per sender address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false, env: { SMTP_MAX_CONNECTIONS_PER_IP: '3', SMTP_MESSAGES_PER_IP_PER_HOUR: '3' } });
  });
  afterAll(() => app.close());

  it('refuses a connection over the per-address limit with 421, and takes one again once another closes', async () => {
    const open = await Promise.all([greet(smtpPort(app)), greet(smtpPort(app)), greet(smtpPort(app))]);
    for (const c of open) expect(c.line).toMatch(/^220 /);
    const fourth = await greet(smtpPort(app));
    expect(fourth.line).toMatch(/^421 4\.7\.0 Too many connections/);
    fourth.socket.destroy();
    open[0].socket.destroy();
    await new Promise<void>((resolve) => open[0].socket.once('close', () => resolve()));
    // the server learns of the close on its own side a moment later: wait for a greeting, not for time
    let again = await greet(smtpPort(app));
    for (let i = 0; i < 50 && !again.line.startsWith('220'); i++) {
      again.socket.destroy();
      again = await greet(smtpPort(app));
    }
    expect(again.line).toMatch(/^220 /);
    for (const c of [...open.slice(1), again]) c.socket.destroy();
  });

  it('answers 451 to messages over the hourly rate of an address, storing nothing of them', async () => {
    for (const n of [1, 2, 3]) expect((await send(smtpPort(app), n)).response).toMatch(/^250 /);
    const before = rawFiles(app);
    const refused = await send(smtpPort(app), 4).then(
      () => null,
      (err: { responseCode?: number; response?: string }) => err,
    );
    expect(refused?.responseCode).toBe(451);
    expect(refused?.response).toMatch(/4\.7\.1 Too many messages/);
    expect(rawFiles(app)).toBe(before);
  });
});

describe('SMTP intake disk budget (MAIL_DISK_QUOTA)', () => {
  let app: TestApp;
  beforeAll(async () => {
    // room for the largest mail (20 000 bytes) and 3 000 more
    app = await startTestApp({ workers: false, env: { MAIL_MAX_BYTES: '20000', MAIL_DISK_QUOTA: '23000' } });
  });
  afterAll(() => app.close());

  it('answers 452 insufficient storage once the stored raw mail leaves no room for another message', async () => {
    expect((await send(smtpPort(app), 10, 4000)).response).toMatch(/^250 /);
    const refused = await send(smtpPort(app), 11).then(
      () => null,
      (err: { responseCode?: number; response?: string }) => err,
    );
    expect(refused?.responseCode).toBe(452);
    expect(refused?.response).toMatch(/4\.3\.1 Insufficient system storage/);
    expect(rawFiles(app)).toBe(1);
  });
});
