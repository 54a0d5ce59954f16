import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../tickets/ticket.observers';
import type { SurveyService } from './survey.service';

/**
 * Solving a ticket schedules its survey and follow-up call; leaving solved for live work again
 * (not for closed) cancels what is still pending, and the next solve starts a new round. Both are
 * idempotent by round, and read the ticket's status as it is now: a re-driven solve of a ticket
 * reopened meanwhile schedules nothing.
 */
export class SurveyObserver implements TicketObserver {
  readonly name = 'surveys';

  constructor(private readonly surveys: SurveyService) {}

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (!changes.status) return;
    const [from, to] = changes.status;
    if (to === 'solved' && ticket.status === 'solved') await this.surveys.onSolved(ticket);
    else if (from === 'solved' && to !== 'closed' && ticket.status !== 'solved') await this.surveys.onReopened(ticket);
  }
}
