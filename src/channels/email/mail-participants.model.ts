import { Connection, Model, Schema, Types } from 'mongoose';
import { modelOnce } from '../../infra/mongo';

/** Addresses kept per ticket: room for a department's and a customer's people, not for a mailing list. */
export const MAX_PARTICIPANTS = 50;

/**
 * Who writes on a ticket by mail: the addresses on the mails that landed on it (From, To, Cc,
 * other than our own), one document per ticket keyed by the ticket's id, so the threading check
 * reads it by `_id`. A reply by reference (In-Reply-To/References) threads into a ticket only for
 * these and the ticket's customer; anybody else who learnt a Message-ID gets a ticket of their own.
 * The email channel's own state: the ticket itself is written only through the inbound contract.
 */
const mailParticipantsSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId },
    addresses: { type: [String], default: [] },
  },
  { versionKey: false },
);

export interface MailParticipants {
  _id: Types.ObjectId;
  addresses: string[];
}
export type MailParticipantsModel = Model<MailParticipants>;

export function mailParticipantsModel(conn: Connection): MailParticipantsModel {
  return modelOnce<MailParticipantsModel>(conn, 'MailParticipants', () => mailParticipantsSchema);
}

/** The addresses that have written on a ticket by mail (none for a ticket that never had mail). */
export async function participantsOf(M: MailParticipantsModel, ticketId: Types.ObjectId): Promise<string[]> {
  return (await M.findById(ticketId, { addresses: 1 }).lean())?.addresses ?? [];
}

/**
 * Adds a mail's addresses to its ticket's participants: one `$addToSet` upsert, so concurrent mails
 * of different senders never undo each other's, and a retry adds nothing twice. Nothing is written
 * when all are known or the ticket is full.
 */
export async function addParticipants(M: MailParticipantsModel, ticketId: Types.ObjectId, addresses: string[]): Promise<void> {
  const known = await participantsOf(M, ticketId);
  const more = [...new Set(addresses)].filter((a) => !known.includes(a)).slice(0, Math.max(0, MAX_PARTICIPANTS - known.length));
  if (!more.length) return;
  const add = { $addToSet: { addresses: { $each: more } } };
  await M.updateOne({ _id: ticketId }, add, { upsert: true }).catch(async (err) => {
    if ((err as { code?: number }).code !== 11000) throw err;
    await M.updateOne({ _id: ticketId }, add); // two first mails of a ticket raced to insert it: it exists now
  });
}
