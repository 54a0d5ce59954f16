import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../tickets/ticket.observer';
import type { SurveyService } from './survey.service';

/**
 * Solving a ticket schedules its survey and follow-up call; leaving solved for live work again
 * (not for closed) cancels what is still pending, and the next solve starts a new round.
 */
export class SurveyObserver implements TicketObserver {
  readonly name = 'surveys';

  constructor(private readonly surveys: SurveyService) {}

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (!changes.status) return;
    const [from, to] = changes.status;
    if (to === 'solved') await this.surveys.onSolved(ticket);
    else if (from === 'solved' && to !== 'closed') await this.surveys.onReopened(ticket);
  }
}
