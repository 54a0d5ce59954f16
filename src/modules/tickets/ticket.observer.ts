import type { MessageDoc } from './message.model';
import type { TicketDoc } from './ticket.model';
import type { Actor } from './ticket.types';

export type TicketChanges = Partial<Record<'status' | 'priority' | 'type' | 'team' | 'assignee' | 'subject' | 'unitId', [unknown, unknown]>>;

/**
 * What other modules do when a ticket changes (SLA clocks, surveys, the live queue, sockets).
 * Wired by hand in the composition root; each call gets the freshly saved ticket. A failing
 * observer is logged and does not undo the change: its timers are triggers a sweeper repairs.
 */
export interface TicketObserver {
  readonly name: string;
  created?(ticket: TicketDoc, message: MessageDoc | null): Promise<void>;
  messageAdded?(ticket: TicketDoc, message: MessageDoc): Promise<void>;
  changed?(ticket: TicketDoc, changes: TicketChanges, actor: Actor): Promise<void>;
}
