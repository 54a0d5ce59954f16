import type { Job } from 'bullmq';
import type { JobHandlers, Queues } from '../infra/queues';
import type { Locale } from '../core/types';
import type { Mailer } from './mailer';
import type { Templates } from './templates';

export interface TemplatedMail {
  to: string;
  template: string;
  locale: Locale;
  data: Record<string, unknown>;
  headers?: Record<string, string>;
  /** files already on disk (a rendered PDF in the attachment store): the job carries the path, not the bytes */
  attachments?: { filename: string; contentType: string; path: string }[];
}

/**
 * System mail (acknowledgements, surveys, escalations, transcripts): the caller enqueues, a worker
 * renders and sends, with retries. A jobId makes a mail idempotent: the same id is sent once.
 */
export class MailOutbox {
  constructor(private readonly queues: Queues) {}

  async send(mail: TemplatedMail, jobId?: string): Promise<void> {
    const q = this.queues.get('mail-out');
    await q.add('template', mail, jobId ? { jobId } : {});
  }
}

export function outboxHandlers(templates: Templates, mailer: Mailer): JobHandlers {
  return {
    'mail-out': {
      template: async (job: Job<TemplatedMail>) => {
        const m = job.data;
        const rendered = templates.renderMail(m.template, m.locale, m.data);
        const info = await mailer.send({ to: m.to, ...rendered, headers: m.headers, attachments: m.attachments });
        return { messageId: info.messageId };
      },
    },
  };
}
