import type { MessageDoc } from '../tickets/message.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges, TicketEventRef, TicketObserver } from '../tickets/ticket.observers';
import type { WebhookDeliveries } from './webhook.deliveries';

/** Ticket events to the webhooks that subscribe to them: one fan-out job per event, nothing when nobody listens. */
export class WebhookObserver implements TicketObserver {
  readonly name = 'webhooks';

  constructor(private readonly deliveries: Pick<WebhookDeliveries, 'announce'>) {}

  async created(ticket: TicketDoc): Promise<void> {
    await this.deliveries.announce('ticket.created', `ticket-${ticket._id}-created`, { ticketId: String(ticket._id) });
  }

  async changed(ticket: TicketDoc, changes: TicketChanges, _actor: unknown, event: TicketEventRef): Promise<void> {
    await this.deliveries.announce('ticket.updated', `change-${event.id}`, { ticketId: String(ticket._id), changes: changes as Record<string, [unknown, unknown]> });
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    if (message.kind === 'event') return; // timeline lines are the ticket's own record, not conversation
    await this.deliveries.announce('message.created', `message-${message._id}`, { ticketId: String(ticket._id), messageId: String(message._id) });
  }
}
