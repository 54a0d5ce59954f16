import { ForbiddenError } from '../../errors';
import { hasRole, ROLE_SETS, type Actor, type Role } from '../../core/types';

/** The signed-in agent of a request or socket, with the access rules in one place. */
export class Principal {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly email: string,
    readonly role: Role,
    readonly teams: readonly string[],
    readonly locale: string,
    readonly tokenHash: string,
  ) {}

  get seesAllTeams(): boolean {
    return hasRole(this.role, ROLE_SETS.allTeams);
  }

  canSeeTeam(team: string): boolean {
    return this.seesAllTeams || this.teams.includes(team);
  }

  /** Whether any of `teams` is visible (a customer record: the teams of its tickets). */
  canSeeAnyTeam(teams: readonly string[]): boolean {
    return this.seesAllTeams || teams.some((t) => this.teams.includes(t));
  }

  /** Teams visible to this agent; undefined means all. */
  visibleTeams(): readonly string[] | undefined {
    return this.seesAllTeams ? undefined : this.teams;
  }

  /**
   * The MongoDB filter on `team` for a list: the requested team (403 unless visible), else the
   * visible teams, else nothing for those who see every team.
   */
  teamScope(team?: string): { team?: string | { $in: string[] } } {
    if (team) {
      this.assertTeam(team);
      return { team };
    }
    const visible = this.visibleTeams();
    return visible ? { team: { $in: [...visible] } } : {};
  }

  require(roles?: readonly Role[]): void {
    if (roles && !roles.includes(this.role)) throw new ForbiddenError(`This needs the role ${roles.join(' or ')}`);
  }

  assertTeam(team: string): void {
    if (!this.canSeeTeam(team)) throw new ForbiddenError('This ticket belongs to a team you do not work in');
  }

  /** May reassign tickets of this team to others (supervisors within their teams, managers everywhere). */
  canReassign(team: string): boolean {
    if (this.seesAllTeams) return true;
    return this.role === 'supervisor' && this.teams.includes(team);
  }

  /** This agent as the actor of a change (audit trails, timeline events). */
  get actor(): Actor {
    return { type: 'agent', id: this.id, name: this.name };
  }

  toJSON() {
    return { id: this.id, name: this.name, email: this.email, role: this.role, teams: this.teams, locale: this.locale };
  }
}
