import nodemailer from 'nodemailer';
import type { EmailModule } from '../../src/channels/email/email.module';
import { eventually, type TestApp } from './harness';

/** Mail into a test app's SMTP intake as a mail server sends it, and what its `mail-in` job made of it. */
export function mailIntake(app: TestApp) {
  const email = () => app.c.modules.find((m) => m.name === 'email') as EmailModule;
  return {
    email,
    /** sends a raw mail; resolves with the intake's queue id once it answered 250 */
    async send(raw: string | Buffer, envelope: { from: string; to: string[] }): Promise<string> {
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: email().smtpPort, secure: false, ignoreTLS: true });
      try {
        const info = await t.sendMail({ envelope, raw });
        const id = /queued as (\S+)/.exec(info.response)?.[1];
        if (!id) throw new Error(`no queue id in ${info.response}`);
        return id;
      } finally {
        t.close();
      }
    },
    /** the return value of the mail's job once it finished */
    async processed(jobId: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
      return eventually(async () => {
        const job = await app.c.queues.get('mail-in').getJob(jobId);
        return job && (await job.isCompleted()) ? (job.returnvalue as Record<string, unknown>) : null;
      }, timeoutMs);
    },
    /** the job once it failed for good (dead-lettered) */
    async deadLettered(jobId: string, timeoutMs = 20_000) {
      return eventually(async () => {
        const job = await app.c.queues.get('mail-in').getJob(jobId);
        return job && (await job.isFailed()) ? job : null;
      }, timeoutMs);
    },
  };
}
