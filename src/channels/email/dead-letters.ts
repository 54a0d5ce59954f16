import fs from 'node:fs';
import type { Job, Queue } from 'bullmq';
import { Libmime } from 'libmime';
import type { InboundJob } from './mail-job';
import type { MailStore } from './mail-store';

export interface DeadLetter {
  /** the raw mail's content hash (its file under DATA_DIR/mail/inbound) */
  id: string;
  via: InboundJob['via'];
  mailFrom: string | null;
  rcpt: string[];
  receivedAt: string;
  failedAt: string | null;
  attempts: number;
  reason: string;
  /** from the raw mail's headers, for recognising it; null when the file is gone */
  subject: string | null;
  from: string | null;
  size: number | null;
}

const libmime = new Libmime();
const HEAD_BYTES = 16 * 1024;

/**
 * Mail that was answered 250 but could not be made into a message: unparseable, or still failing
 * when its retries ran out (MAIL_RETRY_FOR). Such a `mail-in` job stays in BullMQ's failed set
 * (never removed by age) with its raw file on disk; this lists them (a range of the failed set, no
 * scan) and replays one (the same job, its attempts reset).
 */
export class DeadLetters {
  constructor(
    private readonly queue: () => Queue,
    private readonly store: MailStore,
  ) {}

  async list(offset: number, limit: number): Promise<{ items: DeadLetter[]; total: number }> {
    const q = this.queue();
    const [jobs, total] = await Promise.all([q.getFailed(offset, offset + limit - 1), q.getFailedCount()]);
    const items = await Promise.all(jobs.filter((j): j is Job<InboundJob> => !!j && j.name === 'inbound').map((j) => this.describe(j)));
    return { items, total };
  }

  /** Puts a dead letter back on the queue; false when there is no such dead letter. */
  async replay(id: string): Promise<boolean> {
    const job = await this.queue().getJob(`mail-${id}`);
    if (!job || job.name !== 'inbound' || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  /** The raw file of a dead letter, or null. */
  async rawFile(id: string): Promise<string | null> {
    const job = await this.queue().getJob(`mail-${id}`);
    if (!job || job.name !== 'inbound' || !(await job.isFailed())) return null;
    const file = this.store.inboundFile(id);
    return fs.existsSync(file) ? file : null;
  }

  private async describe(job: Job<InboundJob>): Promise<DeadLetter> {
    const file = this.store.inboundFile(job.data.hash);
    const head = await readHead(file);
    return {
      id: job.data.hash,
      via: job.data.via,
      mailFrom: job.data.mailFrom,
      rcpt: job.data.rcpt,
      receivedAt: job.data.receivedAt,
      failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
      attempts: job.attemptsMade,
      reason: (job.failedReason ?? '').slice(0, 500),
      subject: head ? header(head.text, 'subject') : null,
      from: head ? header(head.text, 'from') : null,
      size: head?.size ?? null,
    };
  }
}

async function readHead(file: string): Promise<{ text: string; size: number } | null> {
  const fh = await fs.promises.open(file, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const end = text.search(/\r?\n\r?\n/);
    return { text: end >= 0 ? text.slice(0, end) : text, size: (await fh.stat()).size };
  } finally {
    await fh.close();
  }
}

/** One header of a raw header block, unfolded and decoded (for showing, not for parsing). */
function header(block: string, name: string): string | null {
  const lines = block.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].slice(0, name.length + 1).toLowerCase() !== `${name}:`) continue;
    let value = lines[i].slice(name.length + 1);
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1])) value += ' ' + lines[++i].trim();
    try {
      return libmime.decodeWords(value.trim()).slice(0, 300);
    } catch {
      return value.trim().slice(0, 300);
    }
  }
  return null;
}
