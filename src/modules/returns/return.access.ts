import { ForbiddenError, NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { ReturnFields } from './return.model';

/** Team scoping of returns, like tickets: the working team and the ticket's team read it. */
export function canRead(r: Pick<ReturnFields, 'team' | 'ticketTeam'>, p: Principal): boolean {
  return p.canSeeTeam(r.team) || p.canSeeTeam(r.ticketTeam);
}

/** Only the working team (returns), its leads and managers take the steps. */
export function canWork(r: Pick<ReturnFields, 'team'>, p: Principal): boolean {
  return p.seesAllTeams || p.teams.includes(r.team);
}

/** Like another team's ticket, another team's return answers 404, as if it did not exist. */
export function assertRead(r: Pick<ReturnFields, 'team' | 'ticketTeam'>, p: Principal): void {
  if (!canRead(r, p)) throw new NotFoundError('Return');
}

export function assertWork(r: Pick<ReturnFields, 'team'>, p: Principal): void {
  if (!canWork(r, p)) throw new ForbiddenError(`Only team ${r.team} works this return`);
}
