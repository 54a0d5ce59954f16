import { Connection, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/**
 * An existing mailbox a team's mail is fetched from (Exmail, 163, Outlook…), with its checkpoint:
 * every message up to `lastUid` of the folder's `uidValidity` is on disk and queued. The password
 * is sealed (SecretBox). `_id` is derived from team, host, port, user and folder.
 */
export interface MailboxFields {
  _id: string;
  team: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
  /** on the first connection (or after a UIDVALIDITY change), mail of this many days back is fetched */
  backfillDays: number;
  active: boolean;
  /** the folder's UIDVALIDITY the checkpoint belongs to (a decimal string: it is a 32-bit unsigned number) */
  uidValidity: string | null;
  lastUid: number;
  state: 'new' | 'connecting' | 'connected' | 'error';
  lastError: { message: string; at: Date } | null;
  lastSyncAt: Date | null;
  /** bumped on every change of the settings, so a running fetcher restarts with them */
  rev: number;
  createdAt?: Date;
  updatedAt?: Date;
}
export type MailboxModel = Model<MailboxFields>;

export function mailboxModel(conn: Connection, clock: Clock): MailboxModel {
  return modelOnce<MailboxModel>(conn, 'TeamMailbox', () => {
    const s = new Schema(
      {
        _id: { type: String },
        team: { type: String, required: true },
        host: { type: String, required: true },
        port: { type: Number, required: true },
        secure: { type: Boolean, default: true },
        user: { type: String, required: true },
        password: { type: String, required: true },
        folder: { type: String, default: 'INBOX' },
        backfillDays: { type: Number, default: 7 },
        active: { type: Boolean, default: true },
        uidValidity: { type: String, default: null },
        lastUid: { type: Number, default: 0 },
        state: { type: String, enum: ['new', 'connecting', 'connected', 'error'], default: 'new' },
        lastError: { type: new Schema({ message: String, at: Date }, { _id: false }), default: null },
        lastSyncAt: { type: Date, default: null },
        rev: { type: Number, default: 0 },
      },
      { timestamps: { currentTime: () => clock.now() }, versionKey: false },
    );
    s.index({ team: 1 });
    return s;
  });
}
