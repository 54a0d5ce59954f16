/**
 * The server's shapes the console works with: the same types the server's serializers and socket
 * events are checked against, so the two cannot drift.
 */
export type { CallbackPayload as Callback } from '../src/modules/callbacks/callback.payloads';
export type { MessagePayload as Message, QueueItem, TicketPayload as Ticket } from '../src/modules/tickets/ticket.payloads';
