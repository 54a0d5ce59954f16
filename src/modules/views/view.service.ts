import { Types } from 'mongoose';
import { hasRole, ROLE_SETS } from '../../core/types';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { Principal } from '../auth/principal';
import { isLiveOnly } from '../tickets/ticket.filter';
import type { TicketQuery } from '../tickets/ticket.query';
import type { ViewDoc, ViewModel } from './view.model';
import { parseViewFilters, type ViewInput } from './view.schemas';

export function serializeView(v: ViewDoc) {
  return { id: String(v._id), name: v.name, scope: v.scope, team: v.team ?? null, ownerId: String(v.ownerId), filters: v.filters as Record<string, string>, sort: v.sort, position: v.position };
}
export type ViewView = Omit<ReturnType<typeof serializeView>, 'scope'> & { scope: 'personal' | 'team' | 'builtin'; nameKey?: string; count?: number; countCapped?: boolean };

const LIVE = 'new,open,pending,on_hold';
/**
 * The views every agent has without saving them, first in the list; `nameKey` is their name's
 * console string. Each is answered from the live index except "solved".
 */
export const BUILTIN_VIEWS: { key: string; filters: Record<string, string>; sort: string }[] = [
  { key: 'mine', filters: { status: LIVE, assignee: 'me' }, sort: 'due' },
  { key: 'unassigned', filters: { status: 'new,open', assignee: 'none' }, sort: 'due' },
  { key: 'atRisk', filters: { status: LIVE, sla: 'at_risk' }, sort: 'due' },
  { key: 'breached', filters: { status: LIVE, sla: 'breached' }, sort: 'due' },
  { key: 'solved', filters: { status: 'solved,closed' }, sort: 'updated' },
];
const builtin = (): ViewView[] =>
  BUILTIN_VIEWS.map((b, i) => ({ id: `builtin-${b.key}`, name: b.key, nameKey: `views.builtin.${b.key}`, scope: 'builtin', team: null, ownerId: '', filters: b.filters, sort: b.sort, position: i }));

/**
 * Saved ticket views: personal ones (their owner's) and team ones (every member's, kept by the
 * team's supervisors and the managers). Each view is a filter of `GET /api/tickets`; counting a
 * view of live tickets runs over the live index's summaries, read once for all views.
 */
export class ViewService {
  constructor(
    private readonly View: ViewModel,
    private readonly query: Pick<TicketQuery, 'count' | 'liveRows'>,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
  ) {}

  /** The principal's views (a small collection: one row per saved view), optionally with counts. */
  async list(principal: Principal, opts: { counts?: boolean } = {}): Promise<ViewView[]> {
    const teams = principal.visibleTeams();
    const or: Record<string, unknown>[] = [{ scopeKey: `user:${principal.id}` }, teams ? { scope: 'team', team: { $in: [...teams] } } : { scope: 'team' }];
    const views = await this.View.find({ $or: or }).sort({ scope: 1, position: 1, name: 1 }).limit(200);
    const out: ViewView[] = [...builtin(), ...views.map(serializeView)];
    if (!opts.counts) return out;
    const needsLive = out.some((v) => isLiveOnly(parseViewFilters(v.filters)));
    const live = needsLive ? await this.query.liveRows({}, principal) : undefined;
    for (const v of out) {
      const filter = parseViewFilters(v.filters);
      if (filter.team && !principal.canSeeTeam(filter.team)) continue;
      const c = await this.query.count(filter, principal, live);
      v.count = c.count;
      v.countCapped = c.capped;
    }
    return out;
  }

  async create(input: ViewInput, principal: Principal): Promise<ViewDoc> {
    await this.assertMayWrite(principal, input.scope, input.team ?? null);
    try {
      const v = await this.View.create({ ...input, team: input.scope === 'team' ? input.team : null, ownerId: new Types.ObjectId(principal.id), scopeKey: scopeKey(principal, input) });
      if (v.scope === 'team') await this.audit.record(principal.actor, { entity: 'view', key: String(v._id), action: 'created', after: serializeView(v) });
      return v;
    } catch (err) {
      throw duplicate(err);
    }
  }

  async update(id: string, input: ViewInput, principal: Principal): Promise<ViewDoc> {
    const v = await this.get(id, principal);
    await this.assertMayWrite(principal, v.scope, v.team ?? null, v);
    await this.assertMayWrite(principal, input.scope, input.team ?? null, v);
    const before = serializeView(v);
    v.set({ ...input, team: input.scope === 'team' ? input.team : null, scopeKey: scopeKey(principal, input, v) });
    try {
      await v.save();
    } catch (err) {
      throw duplicate(err);
    }
    if (v.scope === 'team' || before.scope === 'team') await this.audit.record(principal.actor, { entity: 'view', key: id, action: 'updated', before, after: serializeView(v) });
    return v;
  }

  async remove(id: string, principal: Principal): Promise<void> {
    const v = await this.get(id, principal);
    await this.assertMayWrite(principal, v.scope, v.team ?? null, v);
    await this.View.deleteOne({ _id: v._id });
    if (v.scope === 'team') await this.audit.record(principal.actor, { entity: 'view', key: id, action: 'deleted', before: serializeView(v) });
  }

  private async get(id: string, principal: Principal): Promise<ViewDoc> {
    const v = Types.ObjectId.isValid(id) ? await this.View.findById(id) : null;
    const visible = v && (v.scope === 'team' ? principal.canSeeTeam(v.team ?? '') : String(v.ownerId) === principal.id);
    if (!v || !visible) throw new NotFoundError('View');
    return v;
  }

  private async assertMayWrite(principal: Principal, scope: string, team: string | null, existing?: ViewDoc): Promise<void> {
    if (scope === 'personal') {
      if (existing && existing.scope === 'personal' && String(existing.ownerId) !== principal.id) throw new ForbiddenError('This is someone else\'s view');
      return;
    }
    if (!team) throw new ValidationError('A team view names its team', [{ path: 'team', message: 'required', code: 'required' }]);
    if (!hasRole(principal.role, ROLE_SETS.leads) || !principal.canSeeTeam(team)) throw new ForbiddenError('Team views are kept by the team\'s supervisors and the managers');
    if (!(await this.teams.exists(team))) throw new ValidationError(`Unknown team ${team}`, [{ path: 'team', message: `unknown team ${team}`, code: 'unknown_team' }]);
  }
}

function scopeKey(principal: Principal, input: ViewInput, existing?: ViewDoc): string {
  if (input.scope === 'team') return `team:${input.team}`;
  return `user:${existing && existing.scope === 'personal' ? String(existing.ownerId) : principal.id}`;
}

function duplicate(err: unknown): unknown {
  if ((err as { code?: number }).code === 11000) return new ConflictError('A view with this name exists', 'duplicate', [{ path: 'name', message: 'a view with this name exists', code: 'duplicate' }]);
  return err;
}
