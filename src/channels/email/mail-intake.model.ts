import { Connection, Model, Schema } from 'mongoose';
import { modelOnce } from '../../infra/mongo';

/**
 * One document per raw mail taken in (keyed by its content hash, the name of its file under
 * DATA_DIR/mail/inbound): written when its `mail-in` job has done its work, whatever the outcome
 * (a message stored, a duplicate, noise ignored). The sweeper re-queues every stored raw mail that
 * has none, looking them up by `_id` only.
 *
 * The records are written beside the mail references (`mailrefs`, in the same bulk write as the
 * mail's own references: one round trip for both, issue #23); a hash (64 hex digits) is never a
 * Message-ID (`<...>`), so the two kinds of `_id` cannot meet. This collection keeps the sweep's
 * epoch and the records of earlier versions, which the sweeper still reads.
 */
const mailIntakeSchema = new Schema(
  {
    _id: { type: String },
    outcome: { type: String, enum: ['stored', 'duplicate', 'ignored'], required: true },
    ticketNumber: { type: Number, default: null },
    reason: { type: String, default: null },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);

export interface MailIntake {
  _id: string;
  outcome: 'stored' | 'duplicate' | 'ignored';
  ticketNumber: number | null;
  reason: string | null;
  at: Date;
}
export type MailIntakeModel = Model<MailIntake>;

export function mailIntakeModel(conn: Connection): MailIntakeModel {
  return modelOnce<MailIntakeModel>(conn, 'MailIntake', () => mailIntakeSchema);
}

export type IntakeOutcome = { ticket: number; created: boolean } | { duplicate: true; ticket: number } | { ignored: string };

/** The upsert that records a raw mail's outcome (see above), for a bulk write on the `mailrefs` collection. */
export function intakeRecord(hash: string, outcome: IntakeOutcome, at: Date): { filter: Record<string, unknown>; update: Record<string, unknown> } {
  return {
    filter: { _id: hash },
    update: {
      $set: {
        outcome: 'ignored' in outcome ? 'ignored' : 'duplicate' in outcome ? 'duplicate' : 'stored',
        ticketNumber: 'ticket' in outcome ? outcome.ticket : null,
        reason: 'ignored' in outcome ? outcome.ignored : null,
        at,
      },
    },
  };
}

/** The hashes among `hashes` that were taken in: a record beside the mail references, or one of an earlier version. */
export async function takenIn(records: Model<unknown>, earlier: MailIntakeModel, hashes: string[]): Promise<Set<string>> {
  const ids = async (M: Model<unknown>, of: string[]) => (await M.collection.find({ _id: { $in: of } } as never, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
  const known = new Set(await ids(records, hashes));
  const rest = hashes.filter((h) => !known.has(h));
  if (rest.length) for (const h of await ids(earlier as unknown as Model<unknown>, rest)) known.add(h);
  return known;
}
