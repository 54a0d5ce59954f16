import { Connection, Model, Schema, Types } from 'mongoose';
import { modelOnce } from '../../infra/mongo';

/** Addresses kept per ticket: room for a department's and a customer's people, not for a mailing list. */
export const MAX_PARTICIPANTS = 50;

/**
 * Who writes on a ticket by mail: the addresses on the mails that landed on it (From, To, Cc,
 * other than our own). A reply by reference (In-Reply-To/References) threads into a ticket only
 * for these and the ticket's customer; anybody else who learnt a Message-ID gets a ticket of their
 * own. They are kept on the ticket itself (`meta.mailParticipants`, added through the inbound
 * contract's `metaAdd` with the write that stores each mail), so the threading check has them with
 * the ticket it reads. This collection (one document per ticket keyed by its id) is where tickets
 * of earlier versions kept them: read for a ticket without the list, whose next mail copies them over.
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

/** The name of the ticket's `meta` list of its mail participants. */
export const PARTICIPANTS = 'mailParticipants';

/** The participants kept on the ticket; null for a ticket without the list (older, or never mailed). */
export function keptParticipants(ticket: { meta?: unknown }): string[] | null {
  const kept = (ticket.meta as Record<string, unknown> | undefined)?.[PARTICIPANTS];
  return Array.isArray(kept) ? (kept as string[]) : null;
}

/**
 * What a mail adds to the participants of the ticket it lands on (`known`: none for a new one):
 * its addresses not known yet, while the ticket has room. `earlier`: the list an older version
 * kept in the collection, copied onto the ticket with them.
 */
export function participantsToAdd(addresses: string[], known: string[], earlier: string[] = []): string[] {
  const more = [...new Set(addresses)].filter((a) => !known.includes(a)).slice(0, Math.max(0, MAX_PARTICIPANTS - known.length));
  return [...earlier, ...more];
}
