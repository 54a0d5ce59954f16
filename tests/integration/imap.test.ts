import fs from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { ImapModule } from '../../src/channels/imap/imap.module';
import { MailboxSupervisor } from '../../src/channels/imap/imap.supervisor';
import { createLogger } from '../../src/logger';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { Dovecot, removeDovecot, startDovecot } from '../helpers/dovecot';

const USER = 'service@acme.test';
const PASSWORD = 'mailbox-password-1';
const FOLDER = 'Support';

function mail(n: number, subject: string): string {
  return [
    `From: Customer ${n} <customer${n}@example.com>`,
    'To: service@acme.test',
    `Subject: ${subject}`,
    `Message-ID: <imap-test-${n}@example.com>`,
    'Date: Tue, 1 Dec 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Message number ${n}: ${subject}`,
    '',
  ].join('\r\n');
}

describe('Existing mailboxes (IMAP)', () => {
  let dovecot: Dovecot;
  let app: TestApp;
  let imap: ImapFlow;

  beforeAll(async () => {
    dovecot = await startDovecot([{ user: USER, password: PASSWORD }]);
    imap = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: USER, pass: PASSWORD }, logger: false });
    await imap.connect();
    await imap.mailboxCreate(FOLDER);
    app = await startTestApp();
  });
  afterAll(async () => {
    await imap?.logout().catch(() => undefined);
    await app?.close();
    if (dovecot) await removeDovecot(dovecot);
  });

  const ticketsWith = (subject: string) => app.c.models.Ticket.countDocuments({ subject });
  const mailboxes = async (team = 'tech') => (await (await app.as('admin@demo.local')).get(`/api/teams/${team}/mailboxes`)).body.mailboxes;

  it('fetches a team\'s mailbox once: backfill, IDLE, a restart, a UIDVALIDITY change', async () => {
    await imap.append(FOLDER, mail(1, 'Washer WM-800 leaks'));
    await imap.append(FOLDER, mail(2, '空调 AC-3500 不制冷'));

    const admin = await app.as('admin@demo.local');
    const put = await admin.put('/api/teams/tech').send({ mailboxes: [{ host: dovecot.host, port: dovecot.port, secure: false, user: USER, password: PASSWORD, folder: FOLDER }] });
    expect(put.status).toBe(200);
    expect(put.body.mailboxes[0]).toMatchObject({ user: USER, folder: FOLDER, hasPassword: true });
    expect(JSON.stringify(put.body)).not.toContain(PASSWORD);

    // what was already there (within the backfill window) becomes tickets of the mailbox's team
    await eventually(async () => (await ticketsWith('Washer WM-800 leaks')) === 1 && (await ticketsWith('空调 AC-3500 不制冷')) === 1, 20_000);
    const t1 = await app.c.models.Ticket.findOne({ subject: 'Washer WM-800 leaks' });
    expect(t1).toMatchObject({ channel: 'email', team: 'tech' }); // the mailbox's team, whatever the recipient
    const m1 = await app.c.models.Message.findOne({ ticketId: t1!._id });
    expect(m1?.body).toBe('Message number 1: Washer WM-800 leaks');
    // the client said who it is (RFC 2971 ID), as 163/126 mailboxes demand
    expect(dovecot.log()).toMatch(/ID sent: name=Aftercare/);
    const [status] = await mailboxes();
    expect(status).toMatchObject({ state: 'connected', lastError: null, checkpoint: { lastUid: 2 } });
    const uidValidity = status.checkpoint.uidValidity;

    // a new mail arrives while the fetcher waits in IDLE (the periodic re-check is minutes away)
    await imap.append(FOLDER, mail(3, 'Dishwasher error E4'));
    await eventually(async () => (await ticketsWith('Dishwasher error E4')) === 1, 15_000);

    // downtime: the workers stop, mail arrives, they start again and catch up without repeating
    await app.stopWorkers();
    await imap.append(FOLDER, mail(4, 'Arrived while we were down'));
    await app.startWorkers();
    await eventually(async () => (await ticketsWith('Arrived while we were down')) === 1, 20_000);
    await eventually(async () => (await mailboxes())[0].checkpoint.lastUid === 4, 10_000);
    for (const s of ['Washer WM-800 leaks', '空调 AC-3500 不制冷', 'Dishwasher error E4']) expect(await ticketsWith(s)).toBe(1);

    // the folder is recreated: a new UIDVALIDITY, UIDs start over; old mail is not taken twice, new mail is taken
    await app.stopWorkers();
    await imap.mailboxDelete(FOLDER);
    await imap.mailboxCreate(FOLDER);
    await imap.append(FOLDER, mail(1, 'Washer WM-800 leaks'));
    await imap.append(FOLDER, mail(5, 'After the folder was recreated'));
    await app.startWorkers();
    await eventually(async () => (await ticketsWith('After the folder was recreated')) === 1, 20_000);
    const after = (await mailboxes())[0];
    expect(after.checkpoint.uidValidity).not.toBe(uidValidity);
    await eventually(async () => (await mailboxes())[0].checkpoint.lastUid === 2, 10_000);
    expect(await ticketsWith('Washer WM-800 leaks')).toBe(1);
    expect(await app.c.models.Message.countDocuments({ 'mail.messageId': '<imap-test-1@example.com>' })).toBe(1);
  }, 120_000);

  it('streams a large message with an attachment into the same raw-mail store and attachment files', async () => {
    const pdf = Buffer.alloc(3 * 1024 * 1024, 7); // 3 MB, ~4 MB in base64
    const raw = [
      'From: Big Sender <big@example.com>',
      'To: service@acme.test',
      'Subject: Service manual scan',
      'Message-ID: <imap-big-1@example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The scan of the manual is attached.',
      '--b1',
      'Content-Type: application/pdf; name="manual.pdf"',
      'Content-Disposition: attachment; filename="manual.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64').replace(/.{76}/g, '$&\r\n'),
      '--b1--',
      '',
    ].join('\r\n');
    await imap.append(FOLDER, raw);
    await eventually(async () => (await ticketsWith('Service manual scan')) === 1, 30_000);
    const t = await app.c.models.Ticket.findOne({ subject: 'Service manual scan' });
    const m = await eventually(async () => app.c.models.Message.findOne({ ticketId: t!._id, 'attachments.0': { $exists: true } }));
    expect(m.attachments[0]).toMatchObject({ filename: 'manual.pdf', contentType: 'application/pdf', size: pdf.length });
    const stored = fs.readdirSync(path.join(app.dataDir, 'mail', 'inbound')).map((f) => fs.statSync(path.join(app.dataDir, 'mail', 'inbound', f)).size);
    expect(Math.max(...stored)).toBeGreaterThan(4 * 1024 * 1024);
  }, 60_000);

  it('fetches each mailbox in one worker process only', async () => {
    const imapModule = app.c.modules.find((m) => m.name === 'imap') as ImapModule;
    const held = imapModule.supervisor()!.holding();
    expect(held).toHaveLength(1);
    // a second worker process on the same Redis finds the mailbox taken
    const other = new MailboxSupervisor(app.c.redis, app.config.queuePrefix, imapModule.mailboxes, async () => 'unused', { clientName: 'x', clientVersion: '0', maxBytes: 1 }, createLogger('silent'));
    await other.reconcile();
    expect(other.holding()).toEqual([]);
    await other.stop();
    expect(imapModule.supervisor()!.holding()).toEqual(held);
  });

  it('shows a connection error on the team\'s settings, and keeps the password when it is left out', async () => {
    const admin = await app.as('admin@demo.local');
    const res = await admin.put('/api/teams/returns').send({ mailboxes: [{ host: dovecot.host, port: dovecot.port, secure: false, user: USER, password: 'wrong-password', folder: FOLDER }] });
    expect(res.status).toBe(200);
    const [failed] = await eventually(async () => {
      const list = await mailboxes('returns');
      return list[0]?.state === 'error' ? list : null;
    }, 20_000);
    expect(failed.lastError.message).toMatch(/Login failed/i);
    expect(new Date(failed.lastError.at).getTime()).toBeGreaterThan(0);

    // settings saved again without the password: it is kept, and so is the checkpoint
    const [before] = await mailboxes();
    const keep = await admin.put('/api/teams/tech').send({ mailboxes: [{ host: dovecot.host, port: dovecot.port, secure: false, user: USER, folder: FOLDER }] });
    expect(keep.status).toBe(200);
    expect(keep.body.mailboxes[0]).toMatchObject({ hasPassword: true, state: 'connected', checkpoint: before.checkpoint });
    expect(before.checkpoint.lastUid).toBeGreaterThan(0);

    const noPassword = await admin.put('/api/teams/complaints').send({ mailboxes: [{ host: dovecot.host, port: dovecot.port, secure: false, user: 'other@acme.test', folder: FOLDER }] });
    expect(noPassword.status).toBe(400);
    const agent = await app.as('agent1@demo.local');
    expect((await agent.put('/api/teams/support').send({ mailboxes: [] })).status).toBe(403);
  }, 60_000);
});
