import { Types } from 'mongoose';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';

interface Scoped {
  team: string;
  ticketTeam: string;
  engineerId?: unknown;
}

/**
 * Who sees and who plans a work order. Managers, directors and admins see all; engineers their
 * own and their teams'; agents and supervisors their teams' and those raised from their teams'
 * tickets. Dispatchers (engineer, window, cancel) are the agents and supervisors of the work
 * order's team, and managers.
 */
export function canSee(p: Principal, wo: Scoped): boolean {
  if (p.seesAllTeams) return true;
  if (wo.engineerId && String(wo.engineerId) === p.id) return true;
  if (p.teams.includes(wo.team)) return true;
  return p.role !== 'engineer' && p.teams.includes(wo.ticketTeam);
}

/** Another team's work order answers 404 like a missing one (as tickets do): its existence is not told either. */
export function assertSee(p: Principal, wo: Scoped & { _id?: unknown }): void {
  if (!canSee(p, wo)) throw new NotFoundError(`Work order ${String(wo._id ?? '')}`.trim());
}

export function canDispatch(p: Principal, team: string): boolean {
  if (p.seesAllTeams) return true;
  return (p.role === 'agent' || p.role === 'supervisor') && p.teams.includes(team);
}

export function assertDispatch(p: Principal, team: string): void {
  if (!canDispatch(p, team)) throw new ForbiddenError(`Only dispatchers of team ${team} (its agents and supervisors) and managers plan its work orders`);
}

/** The MongoDB filter of a list: what the principal may see, narrowed to a team if asked (403 unless visible). */
export function listScope(p: Principal, team?: string): Record<string, unknown> {
  if (team) {
    if (!p.seesAllTeams && !p.teams.includes(team)) throw new ForbiddenError(`You do not work in team ${team}`);
    return { team };
  }
  if (p.seesAllTeams) return {};
  const or: Record<string, unknown>[] = [{ team: { $in: [...p.teams] } }, { engineerId: new Types.ObjectId(p.id) }];
  if (p.role !== 'engineer') or.push({ ticketTeam: { $in: [...p.teams] } });
  return { $or: or };
}
