import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMongo, StoreHandle } from '../../scripts/lib/embedded-stores';
import { buildMail } from '../fixtures/mail/build';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { mailIntake } from '../helpers/mail-intake';

/**
 * Mail answered 250 is never lost to a MongoDB outage. A second mongo-java-server (data in an H2
 * file, so a restart keeps it) is stopped under two apps: one with the default retry window, which
 * keeps retrying past the 5 attempts that used to fail a mail for good and makes the ticket once
 * the store is back; one with a retry window shorter than the outage, which dead-letters the mail
 * for an admin to replay.
 */
describe('mail intake across a MongoDB outage', () => {
  let dir: string;
  let mongo: StoreHandle;
  let port: number;
  let patient: TestApp;
  let brief: TestApp;

  const start = (p = 0) => startMongo({ port: p, file: path.join(dir, 'outage.mv.db'), maxHeap: '256m' });
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mail-outage-'));
    mongo = await start();
    port = mongo.port;
    const uri = (db: string) => `mongodb://127.0.0.1:${port}/${db}`;
    patient = await startTestApp({ env: { MONGODB_URI: uri('outage_patient'), MAIL_RETRY_MAX_DELAY: 'PT1S' } });
    brief = await startTestApp({ env: { MONGODB_URI: uri('outage_brief'), MAIL_RETRY_MAX_DELAY: 'PT1S', MAIL_RETRY_FOR: 'PT3S' } });
  }, 120_000);
  afterAll(async () => {
    await patient?.close();
    await brief?.close();
    await mongo?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes the mail in once MongoDB is back, or dead-letters it past MAIL_RETRY_FOR for an admin to replay', async () => {
    const p = mailIntake(patient);
    const b = mailIntake(brief);
    const to = 'support@demo.local';
    const mail = (n: string, text: string) => buildMail({ from: { name: 'Qian', address: `qian.${n}@example.cn` }, to, subject: `Boiler ${n}`, messageId: `<outage-${n}@example.cn>`, text });
    // both intakes have read their addresses once
    expect((await p.processed(await p.send(mail('p0', 'warm-up'), { from: 'qian.p0@example.cn', to: [to] }))).created).toBe(true);
    expect((await b.processed(await b.send(mail('b0', 'warm-up'), { from: 'qian.b0@example.cn', to: [to] }))).created).toBe(true);

    await mongo.stop();
    // answered 250 with the store down: stored on disk and queued
    const patientJob = await p.send(mail('p1', 'The boiler is leaking since this morning.'), { from: 'qian.p1@example.cn', to: [to] });
    const briefJob = await b.send(mail('b1', 'No hot water at all.'), { from: 'qian.b1@example.cn', to: [to] });

    // the brief app gives up: a dead letter
    const dead = await b.deadLettered(briefJob, 150_000);
    expect(dead.attemptsMade).toBeGreaterThan(1);
    // the patient one goes on past the 5 attempts that used to be all
    await eventually(async () => ((await patient.c.queues.get('mail-in').getJob(patientJob))?.attemptsMade ?? 0) > 5, 180_000, 250);
    expect(await (await patient.c.queues.get('mail-in').getJob(patientJob))!.isFailed()).toBe(false);

    mongo = await start(port);
    const done = await p.processed(patientJob, 60_000);
    expect(done.created).toBe(true);
    const agent = await patient.as('agent1@demo.local');
    expect((await agent.get(`/api/tickets/${done.ticket}/messages`)).body.messages[0].body).toBe('The boiler is leaking since this morning.');

    const admin = await brief.as('admin@demo.local');
    const hash = briefJob.replace(/^mail-/, '');
    expect((await admin.get('/api/mail/dead-letters')).body.items.map((d: { id: string }) => d.id)).toEqual([hash]);
    expect((await admin.post(`/api/mail/dead-letters/${hash}/replay`)).status).toBe(202);
    const replayed = await b.processed(briefJob, 30_000);
    expect(replayed.created).toBe(true);
    expect((await admin.get('/api/mail/dead-letters')).body.items).toEqual([]);
  }, 400_000);
});
