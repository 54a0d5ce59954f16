import type { CalendarService } from '../calendars/calendar.service';
import type { MessageDoc } from '../tickets/message.model';
import { ticketDocument } from '../tickets/lean-ticket';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges, TicketDraft, TicketObserver } from '../tickets/ticket.observers';
import { agentReplied, customerWrote, reconcile } from './sla-state';
import type { SlaService } from './sla.service';

/**
 * Turns ticket events into SLA transitions. Runs first (OBSERVER_ORDER) and returns the saved
 * ticket, so the next observers and the live queue read the new due times at once.
 */
export class SlaObserver implements TicketObserver {
  readonly name = 'sla';

  constructor(
    private readonly sla: SlaService,
    private readonly calendars: CalendarService,
  ) {}

  /** The SLA of a new ticket, decided before it is stored (see SlaService.initial). */
  async prepare(draft: TicketDraft): Promise<Record<string, unknown> | void> {
    return this.sla.initial(draft);
  }

  async created(ticket: TicketDoc): Promise<TicketDoc> {
    // stored with its SLA (prepare): only its timers are left to place
    if (ticket.sla?.policyId) {
      await this.sla.placed(ticket);
      return ticket;
    }
    return this.sla.apply(ticket, { created: true });
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<TicketDoc | void> {
    if (message.internal || message.kind === 'event' || !ticket.sla?.policyId) return;
    const human = message.author.type === 'agent' && !message.automatic;
    const customer = message.author.type === 'customer';
    if (!human && !customer) return;
    // Most customer messages change nothing (no agent reply yet, or the next-response clock already
    // runs): decide that without the calendar arithmetic, which is the hot path of a busy chat.
    if (customer && !human) {
      const lastReply = ticket.lastAgentReplyAt;
      const nr = ticket.sla?.nextResponse;
      if (!lastReply || lastReply > message.createdAt) return;
      if (nr?.status === 'active' || nr?.status === 'paused') return;
    }
    return this.sla.mutate(ticketDocument(ticket), async (prev, t) => {
      if (!prev) return undefined;
      const ctx = this.sla.ctx(await this.calendars.spec(prev.calendar));
      let next = prev;
      if (human) next = agentReplied(next, ctx);
      if (customer) {
        const policy = await this.sla.policies.get(prev.policyId).catch(() => null);
        next = customerWrote(next, policy?.targets?.nextResponse, message.createdAt, t.lastAgentReplyAt, ctx);
      }
      return reconcile(next, t.status, ctx);
    });
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<TicketDoc> {
    let updated = ticket;
    if (changes.priority || changes.type || changes.team || (changes as Record<string, unknown>).channel) updated = await this.sla.apply(updated);
    if (changes.status && updated.sla?.policyId) {
      updated = await this.sla.mutate(updated, async (prev, t) => (prev ? reconcile(prev, t.status, this.sla.ctx(await this.calendars.spec(prev.calendar))) : undefined));
    }
    return updated;
  }
}
