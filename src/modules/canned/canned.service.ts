import { Types } from 'mongoose';
import { hasRole, ROLE_SETS, type Locale } from '../../core/types';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { Principal } from '../auth/principal';
import { type CannedDoc, type CannedModel, serializeCanned } from './canned.model';

export interface CannedInput {
  title: string;
  body: string;
  locale: Locale;
  /** null: every team (managers only) */
  team?: string | null;
}

/**
 * Canned responses per team and language. Agents read those of their teams and the shared ones;
 * supervisors write those of the teams they lead; managers and admins write all, shared ones too.
 */
export class CannedService {
  constructor(
    private readonly Canned: CannedModel,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
  ) {}

  /** At most 500: a team's list, read when a ticket opens (a scan of a small collection). */
  async list(principal: Principal, filter: { locale?: Locale; team?: string }): Promise<CannedDoc[]> {
    const visible = principal.visibleTeams();
    const q: Record<string, unknown> = visible ? { team: { $in: [null, ...visible] } } : {};
    if (filter.team) {
      principal.assertTeam(filter.team);
      q.team = filter.team;
    }
    if (filter.locale) q.locale = filter.locale;
    return this.Canned.find(q).sort({ locale: 1, title: 1 }).limit(500);
  }

  async create(input: CannedInput, principal: Principal): Promise<CannedDoc> {
    await this.assertMayWrite(principal, input.team ?? null);
    const c = await this.Canned.create({ ...input, team: input.team ?? null, createdBy: principal.id });
    await this.audit.record(principal.actor, { entity: 'canned_response', key: String(c._id), action: 'created', after: serializeCanned(c) });
    return c;
  }

  async update(id: string, input: CannedInput, principal: Principal): Promise<CannedDoc> {
    const c = await this.get(id);
    await this.assertMayWrite(principal, c.team ?? null);
    await this.assertMayWrite(principal, input.team ?? null);
    const before = serializeCanned(c);
    c.set({ title: input.title, body: input.body, locale: input.locale, team: input.team ?? null });
    await c.save();
    await this.audit.record(principal.actor, { entity: 'canned_response', key: id, action: 'updated', before, after: serializeCanned(c) });
    return c;
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const c = await this.get(id);
    await this.assertMayWrite(principal, c.team ?? null);
    await this.Canned.deleteOne({ _id: c._id });
    await this.audit.record(principal.actor, { entity: 'canned_response', key: id, action: 'deleted', before: serializeCanned(c) });
  }

  private async get(id: string): Promise<CannedDoc> {
    const c = Types.ObjectId.isValid(id) ? await this.Canned.findById(id) : null;
    if (!c) throw new NotFoundError('Canned response');
    return c;
  }

  private async assertMayWrite(principal: Principal, team: string | null): Promise<void> {
    if (!hasRole(principal.role, ROLE_SETS.leads)) throw new ForbiddenError('Only supervisors and managers edit canned responses');
    if (team === null) {
      if (!principal.seesAllTeams) throw new ForbiddenError('Only a manager can write canned responses for every team');
      return;
    }
    principal.assertTeam(team);
    if (!(await this.teams.exists(team))) throw new ValidationError(`Unknown team ${team}`, [{ path: 'team', message: `unknown team ${team}`, code: 'unknown_team' }]);
  }
}
