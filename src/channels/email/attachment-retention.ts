import fs from 'node:fs';
import type { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { MessageModel } from '../../modules/tickets/message.model';
import type { TicketModel } from '../../modules/tickets/ticket.model';
import type { MailStore } from './mail-store';

/** Closed tickets whose messages are looked at together. */
const BATCH = 500;

export interface RetentionResult {
  messages: number;
  attachments: number;
  files: number;
}

/**
 * ATTACHMENT_RETENTION: attachments of tickets closed longer ago than the retention are deleted.
 * The message keeps the attachment's name, type and size with `removedAt` (the download answers
 * 410); a file is deleted only when no message references it any more, since the store keeps each
 * content once (the same photo in two tickets is one file). Idempotent: a message whose attachments
 * are all removed is not looked at again, so a sweep interrupted halfway is finished by the next.
 */
export interface AttachmentRetentionDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  store: Pick<MailStore, 'attachmentFile'>;
  /** ATTACHMENT_RETENTION; null keeps attachments */
  retentionMs: number | null;
  clock: Clock;
  log: Logger;
}

export class AttachmentRetention {
  constructor(private readonly d: AttachmentRetentionDeps) {}

  get enabled(): boolean {
    return this.d.retentionMs !== null;
  }

  async sweep(): Promise<RetentionResult> {
    const result: RetentionResult = { messages: 0, attachments: 0, files: 0 };
    if (this.d.retentionMs === null) return result;
    const now = this.d.clock.now();
    const cutoff = new Date(now.getTime() - this.d.retentionMs);
    const closed = this.d.Ticket.find({ status: 'closed', closedAt: { $lt: cutoff } }, { _id: 1 }).lean().cursor({ batchSize: BATCH });
    let batch: Types.ObjectId[] = [];
    const flush = async () => {
      const hashes = await this.removeFrom(batch, now, result);
      batch = [];
      for (const hash of hashes) if (await this.deleteIfUnreferenced(hash)) result.files++;
    };
    for await (const t of closed) {
      batch.push(t._id as Types.ObjectId);
      if (batch.length === BATCH) await flush();
    }
    if (batch.length) await flush();
    if (result.attachments) this.d.log.info({ ...result, retentionMs: this.d.retentionMs }, 'attachments of closed tickets removed');
    return result;
  }

  /** Marks the attachments of these tickets' messages removed; answers the hashes they referenced. */
  private async removeFrom(ticketIds: Types.ObjectId[], now: Date, result: RetentionResult): Promise<Set<string>> {
    const hashes = new Set<string>();
    const messages = await this.d.Message.find({ ticketId: { $in: ticketIds }, attachments: { $elemMatch: { hash: { $nin: [null, ''] } } } }, { attachments: 1 }).lean();
    for (const m of messages) {
      const attachments = m.attachments.map((a) => {
        if (!a.hash) return a;
        hashes.add(a.hash);
        result.attachments++;
        return { ...a, hash: null, removedAt: now };
      });
      await this.d.Message.updateOne({ _id: m._id }, { $set: { attachments } });
      result.messages++;
    }
    return hashes;
  }

  private async deleteIfUnreferenced(hash: string): Promise<boolean> {
    if (await this.d.Message.exists({ 'attachments.hash': hash })) return false;
    await fs.promises.rm(this.d.store.attachmentFile(hash), { force: true });
    return true;
  }
}
