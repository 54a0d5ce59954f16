import fs from 'node:fs';
import type { EmailModule } from '../../src/channels/email/email.module';
import { MovableClock } from '../../src/infra/clock';
import { buildMail } from '../fixtures/mail/build';
import { eventually, startTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/harness';

const DAY = 86400_000;

/** ATTACHMENT_RETENTION: files of tickets closed long ago are deleted by a sweeper, shared files only when no one else needs them. */
describe('attachment retention', () => {
  let app: TestApp;
  let email: EmailModule;
  const clock = new MovableClock();
  beforeAll(async () => {
    app = await startTestApp({ clock, env: { ATTACHMENT_RETENTION: 'P30D' } });
    email = app.c.modules.find((m) => m.name === 'email') as EmailModule;
  });
  afterAll(() => app.close());

  const photo = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
  /** a mail with the photo attached, through the webhook; answers the ticket and the attachment's URL path */
  const mailIn = async (n: number) => {
    const raw = buildMail({ from: { name: `Owner ${n}`, address: `owner${n}@example.com` }, to: 'support@demo.local', subject: `Cracked door ${n}`, messageId: `<retention-${n}@example.com>`, text: 'Photo attached.', attachments: [{ filename: 'door.jpg', content: photo, contentType: 'image/jpeg' }] });
    const res = await app.http().post('/webhooks/email/raw').set('Content-Type', 'message/rfc822').set('X-Webhook-Secret', WEBHOOK_SECRET).send(raw);
    expect(res.status).toBe(202);
    const ticket = await eventually(() => app.c.models.Ticket.findOne({ subject: `Cracked door ${n}` }), 15000);
    const admin = await app.as('admin@demo.local');
    const messages = await admin.get(`/api/tickets/${ticket.number}/messages`);
    const att = messages.body.messages.flatMap((m: { attachments: { url: string }[] }) => m.attachments)[0];
    return { number: ticket.number, path: new URL(att.url, 'http://x').pathname };
  };
  const close = async (number: number) => {
    const admin = await app.as('admin@demo.local');
    expect((await admin.patch(`/api/tickets/${number}`).send({ status: 'solved' })).status).toBe(200);
    expect((await admin.patch(`/api/tickets/${number}`).send({ status: 'closed' })).status).toBe(200);
  };
  const download = async (path: string) => (await (await app.as('admin@demo.local')).get(path)).status;
  const files = () => fs.readdirSync(`${app.dataDir}/attachments`);

  it('is scheduled in the workers when set', async () => {
    expect(await app.c.queues.get('mail-in').getJobScheduler('attachment-retention')).toMatchObject({ name: 'prune-attachments' });
  });

  it('removes the attachments of tickets closed longer than the retention, keeping a file another ticket still uses', async () => {
    const old = await mailIn(1);
    const same = await mailIn(2); // the same photo: one file in the store
    const recent = await mailIn(3);
    expect(files()).toHaveLength(1);
    await close(old.number);
    clock.advance(31 * DAY);
    await close(recent.number); // closed just now: within the retention

    expect(await email.pruneAttachments()).toEqual({ messages: 1, attachments: 1, files: 0 });
    const gone = await (await app.as('admin@demo.local')).get(old.path);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('attachment_removed');
    expect(await download(same.path)).toBe(200);
    expect(await download(recent.path)).toBe(200);
    const timeline = await (await app.as('admin@demo.local')).get(`/api/tickets/${old.number}/messages`);
    expect(timeline.body.messages.flatMap((m: { attachments: unknown[] }) => m.attachments)[0]).toMatchObject({ filename: 'door.jpg', size: photo.length, removedAt: expect.any(String) });

    // once the last tickets using it are closed and old enough, the file goes; a second sweep finds nothing
    await close(same.number);
    clock.advance(31 * DAY);
    expect(await email.pruneAttachments()).toEqual({ messages: 2, attachments: 2, files: 1 });
    expect(files()).toHaveLength(0);
    expect(await email.pruneAttachments()).toEqual({ messages: 0, attachments: 0, files: 0 });
  }, 60000);
});
