import crypto from 'node:crypto';
import { ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { SecretBox } from '../../infra/secrets';
import type { MailboxFields, MailboxModel } from './imap.model';

export interface MailboxInput {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  /** write-only; left out, a mailbox already configured keeps its password */
  password?: string;
  folder?: string;
  backfillDays?: number;
  active?: boolean;
}

export function mailboxId(team: string, m: { host: string; port: number; user: string; folder?: string }): string {
  return crypto.createHash('sha1').update([team, m.host.toLowerCase(), m.port, m.user, m.folder ?? 'INBOX'].join('\n')).digest('hex').slice(0, 24);
}

/** The teams' mailboxes: settings by the admin API, checkpoints and connection state by the fetchers. */
export class MailboxService {
  constructor(
    private readonly Mailbox: MailboxModel,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  list(team: string): Promise<MailboxFields[]> {
    return this.Mailbox.find({ team }).sort({ _id: 1 }).lean();
  }

  active(): Promise<MailboxFields[]> {
    return this.Mailbox.find({ active: true }).lean();
  }

  get(id: string): Promise<MailboxFields | null> {
    return this.Mailbox.findById(id).lean();
  }

  password(m: MailboxFields): string {
    return this.box.open(m.password);
  }

  /** Replaces the team's mailboxes with `input`: kept ones keep their checkpoints, dropped ones go. */
  async replace(team: string, input: MailboxInput[]): Promise<MailboxFields[]> {
    const ids = input.map((m) => mailboxId(team, m));
    if (new Set(ids).size !== ids.length) throw new ValidationError('The same mailbox (host, port, user, folder) is listed twice');
    const existing = new Map((await this.list(team)).map((m) => [m._id, m]));
    for (const [i, m] of input.entries()) {
      const id = ids[i];
      const old = existing.get(id);
      if (!old && !m.password) throw new ValidationError(`A password is required for the new mailbox ${m.user}@${m.host}`, [{ path: `mailboxes.${i}.password`, message: 'required' }]);
      const set: Partial<MailboxFields> = { team, host: m.host, port: m.port, secure: m.secure, user: m.user, folder: m.folder ?? 'INBOX', backfillDays: m.backfillDays ?? old?.backfillDays ?? 7, active: m.active ?? true };
      if (m.password) set.password = this.box.seal(m.password);
      const changed = !old || !!m.password || (['secure', 'backfillDays', 'active'] as const).some((k) => set[k] !== old[k]);
      await this.Mailbox.updateOne({ _id: id }, { $set: set, ...(changed ? { $inc: { rev: 1 } } : {}) }, { upsert: true });
    }
    await this.Mailbox.deleteMany({ team, _id: { $nin: ids } });
    return this.list(team);
  }

  /** Moves the checkpoint forward (never back) for the folder generation it belongs to. */
  async checkpoint(id: string, uidValidity: string, uid: number): Promise<void> {
    await this.Mailbox.updateOne({ _id: id, uidValidity }, { $max: { lastUid: uid }, $set: { lastSyncAt: this.clock.now() } });
  }

  /** A new folder generation (first sync or UIDVALIDITY changed): UIDs start over. */
  async resetCheckpoint(id: string, uidValidity: string): Promise<void> {
    await this.Mailbox.updateOne({ _id: id }, { $set: { uidValidity, lastUid: 0 } });
  }

  async setState(id: string, state: MailboxFields['state'], error?: string): Promise<void> {
    await this.Mailbox.updateOne({ _id: id }, { $set: { state, ...(error ? { lastError: { message: error.slice(0, 500), at: this.clock.now() } } : {}), ...(state === 'connected' ? { lastSyncAt: this.clock.now() } : {}) } });
  }
}

/** What the API shows of a mailbox: settings without the password, the checkpoint and the last error. */
export function serializeMailbox(m: MailboxFields) {
  return {
    id: m._id,
    host: m.host,
    port: m.port,
    secure: m.secure,
    user: m.user,
    folder: m.folder,
    backfillDays: m.backfillDays,
    active: m.active,
    hasPassword: !!m.password,
    state: m.state,
    lastError: m.lastError ? { message: m.lastError.message, at: new Date(m.lastError.at).toISOString() } : null,
    lastSyncAt: m.lastSyncAt ? new Date(m.lastSyncAt).toISOString() : null,
    checkpoint: { uidValidity: m.uidValidity ?? null, lastUid: m.lastUid },
  };
}
