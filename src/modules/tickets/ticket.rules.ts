import { Types } from 'mongoose';
import { ConflictError, ValidationError } from '../../errors';
import type { TicketStatus } from './ticket.types';

/** The status rules: a closed ticket never changes, nothing goes back to new, only a solved ticket closes. */
export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (from === 'closed') throw new ConflictError('A closed ticket cannot change; the customer\'s next message opens a new one', 'ticket_closed');
  if (to === 'new') throw new ValidationError('A ticket cannot go back to new');
  if (to === 'closed' && from !== 'solved') throw new ConflictError('Only a solved ticket can be closed', 'invalid_transition');
}

/** The fields a status change sets: when and by whom it was solved, when closed. */
export function statusFields(to: TicketStatus, now: Date, agentId?: string): Record<string, unknown> {
  if (to === 'solved') return { status: to, solvedAt: now, solvedBy: agentId ? new Types.ObjectId(agentId) : null };
  if (to === 'closed') return { status: to, closedAt: now };
  return { status: to, solvedAt: null };
}
