import { Document } from 'mongoose';
import type { TicketDoc } from './ticket.model';

const HYDRATE = Symbol('aftercare.hydrate');

/**
 * A ticket as read lean, handed to observers as a `TicketDoc` (issue #23: building a mongoose
 * document per chat message was a tenth of the app's CPU). Most observers only read fields; the
 * few that write through a document (the SLA's mutate, a rule's actions) ask for one with
 * `ticketDocument`, which builds it from the same data on first use.
 */
export function leanTicket(plain: object, hydrate: () => TicketDoc): TicketDoc {
  let doc: TicketDoc | null = null;
  Object.defineProperty(plain, HYDRATE, { value: () => (doc ??= hydrate()), enumerable: false });
  return plain as unknown as TicketDoc;
}

/** The ticket as a mongoose document: itself when it is one, else built from the lean data. */
export function ticketDocument(t: TicketDoc): TicketDoc {
  if (t instanceof Document) return t;
  const hydrate = (t as unknown as Record<symbol, (() => TicketDoc) | undefined>)[HYDRATE];
  return hydrate ? hydrate() : t;
}
