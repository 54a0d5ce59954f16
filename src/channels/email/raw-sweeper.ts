import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import { takenIn, type MailIntakeModel } from './mail-intake.model';
import type { MailRefModel } from './mail-ref.model';
import type { MailStore } from './mail-store';

/** A raw mail younger than this may still be on its way from the intake to its job. */
export const SWEEP_GRACE_MS = 5 * 60 * 1000;
const BATCH = 500;
/**
 * When the intake first recorded outcomes (kept in MailIntake under an id no hash can have): raw
 * mail stored before then was taken in by a version that kept no records, so it is not swept.
 */
const EPOCH_ID = 'sweep-epoch';

/**
 * Re-queues every stored raw mail (DATA_DIR/mail/inbound) that no job has taken in: its job was
 * lost (Redis lost its data, a crash between the file and the job, a job removed by hand). Taken
 * in means an intake record exists (written by the job whatever its outcome, beside the mail
 * references; or in MailIntake by an earlier version); a mail whose job
 * still exists (waiting, retrying, dead-lettered) keeps it, since the job id is the same. So a
 * sweep is idempotent, and reads MongoDB only by `_id`, a batch at a time. Mail stored before the
 * first sweep of a database (by a version that recorded no outcomes) is left alone.
 */
export class RawMailSweeper {
  constructor(
    private readonly store: MailStore,
    private readonly MailIntake: MailIntakeModel,
    /** where the intake records are written (see mail-intake.model.ts) */
    private readonly records: MailRefModel,
    /** queues the mail's job unless a job of its id exists; true when it queued one */
    private readonly requeue: (hash: string, receivedAt: Date) => Promise<boolean>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private epoch: number | null = null;

  /** Notes when sweeping began (once per database); called when the workers start. */
  async start(): Promise<void> {
    const doc = await this.MailIntake.findOneAndUpdate({ _id: EPOCH_ID }, { $setOnInsert: { outcome: 'ignored', reason: 'raw mail stored before this is not swept', at: this.clock.now() } }, { upsert: true, new: true }).lean();
    this.epoch = doc ? new Date(doc.at).getTime() : null;
  }

  async sweep(): Promise<{ checked: number; requeued: number }> {
    if (this.epoch === null) await this.start();
    const since = this.epoch ?? Infinity;
    const before = this.clock.now().getTime() - SWEEP_GRACE_MS;
    const names = (await fs.promises.readdir(this.store.inboundDir)).filter((n) => /^[a-f0-9]{64}\.eml$/.test(n));
    let checked = 0;
    let requeued = 0;
    for (let i = 0; i < names.length; i += BATCH) {
      const batch: { hash: string; mtime: Date }[] = [];
      for (const name of names.slice(i, i + BATCH)) {
        const stat = await fs.promises.stat(path.join(this.store.inboundDir, name)).catch(() => null);
        if (stat && stat.mtime.getTime() < before && stat.mtime.getTime() >= since) batch.push({ hash: name.slice(0, 64), mtime: stat.mtime });
      }
      if (!batch.length) continue;
      checked += batch.length;
      const known = await takenIn(this.records as never, this.MailIntake, batch.map((b) => b.hash));
      for (const b of batch) {
        if (known.has(b.hash)) continue;
        if (await this.requeue(b.hash, b.mtime)) requeued++;
      }
    }
    if (requeued) this.log.warn({ requeued, checked }, 'raw mail without a job re-queued');
    return { checked, requeued };
  }
}
