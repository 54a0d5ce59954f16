import type { Actor } from '../../core/types';
import type { MessageDoc } from '../tickets/message.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges, TicketEventRef, TicketObserver } from '../tickets/ticket.observers';
import type { RuleEngine } from './rule.engine';
import type { TimeRules } from './time-rules';

/**
 * Rules on ticket events: `ticket.created`, `ticket.updated` (with its changes), `message.created`
 * (a customer's or an agent's message; system lines and automatic messages are not conversation).
 * Runs right after the SLA (OBSERVER_ORDER), so a rule that routes a ticket does so before chat
 * routing offers it, and returns the ticket as its rules left it. Each event also moves the
 * ticket's state clock and re-plans its time rules — first, so that the changes rules make are
 * measured after the change that caused them.
 */
export class AutomationObserver implements TicketObserver {
  readonly name = 'automation';

  constructor(
    private readonly engine: RuleEngine,
    private readonly time: TimeRules,
  ) {}

  /** a new ticket is stored with its state clock implied, so that creation writes no clock document */
  async prepare(): Promise<Record<string, unknown>> {
    return { clockImplied: true };
  }

  async created(ticket: TicketDoc, first: MessageDoc | null): Promise<TicketDoc> {
    await this.time.track(ticket, null);
    return this.engine.onEvent('ticket.created', ticket, { key: 'created', message: first ?? undefined });
  }

  async changed(ticket: TicketDoc, changes: TicketChanges, actor: Actor, event: TicketEventRef): Promise<TicketDoc> {
    await this.time.track(ticket, changes);
    return this.engine.onEvent('ticket.updated', ticket, { key: event.id, changes, actor });
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<TicketDoc | void> {
    if (message.kind === 'event' || message.automatic || message.author.type === 'system') return;
    return this.engine.onEvent('message.created', ticket, { key: `message-${message._id}`, message, actor: message.author as Actor });
  }
}
