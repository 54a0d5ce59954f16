import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { hasRole, ROLE_SETS } from '../../core/types';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import { type ActionFailure, type ActionRunner, summarize } from './actions';
import type { MacroDoc, MacroModel } from './macro.model';
import type { Action, MacroInput } from './rule.schemas';
import { validateRule, type ValidationSources } from './rule.validate';

export interface MacroView {
  id: string;
  name: string;
  scope: 'personal' | 'team' | 'global';
  team: string | null;
  ownerId: string | null;
  actions: Action[];
}

export function serializeMacro(m: MacroDoc): MacroView {
  return { id: String(m._id), name: m.name, scope: m.scope as MacroView['scope'], team: m.team ?? null, ownerId: m.ownerId ?? null, actions: (m.actions ?? []) as Action[] };
}

export interface MacroServiceDeps {
  Macro: MacroModel;
  runner: ActionRunner;
  tickets: Pick<TicketService, 'visible'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  validation: ValidationSources;
}

/**
 * Macros: named sets of actions an agent applies to a ticket in one click (a canned reply, a
 * status, tags...). Personal ones are their owner's; a team's are its agents' (written by its
 * leads); global ones everybody's (written by managers). Applied with the agent's own rights.
 */
export class MacroService {
  constructor(private readonly d: MacroServiceDeps) {}

  private visibleTo(m: MacroView, p: Principal): boolean {
    if (m.scope === 'personal') return m.ownerId === p.id;
    if (m.scope === 'team') return !!m.team && p.canSeeTeam(m.team);
    return true;
  }

  private mayEdit(m: Pick<MacroView, 'scope' | 'team' | 'ownerId'>, p: Principal): boolean {
    if (m.scope === 'personal') return m.ownerId === p.id;
    if (m.scope === 'team') return !!m.team && (p.seesAllTeams || (hasRole(p.role, ROLE_SETS.leads) && p.teams.includes(m.team)));
    return hasRole(p.role, ROLE_SETS.managers);
  }

  async list(p: Principal): Promise<MacroView[]> {
    const all = (await this.d.Macro.find({}).sort({ name: 1 }).limit(1000)).map(serializeMacro);
    return all.filter((m) => this.visibleTo(m, p));
  }

  async get(id: string, p: Principal): Promise<MacroView> {
    const doc = Types.ObjectId.isValid(id) ? await this.d.Macro.findById(id) : null;
    const m = doc && serializeMacro(doc);
    if (!m || !this.visibleTo(m, p)) throw new NotFoundError('Macro');
    return m;
  }

  private async check(input: MacroInput, p: Principal): Promise<{ team: string | null; ownerId: string | null }> {
    if (input.scope === 'team' && !input.team) throw new ValidationError('Invalid macro', [{ path: 'team', message: 'a team macro names its team' }]);
    const target = { scope: input.scope, team: input.scope === 'team' ? input.team! : null, ownerId: input.scope === 'personal' ? p.id : null };
    if (!this.mayEdit(target, p)) throw new ForbiddenError(input.scope === 'global' ? 'Only managers write macros for everybody' : 'Only the team\'s leads write its macros');
    if (target.team && !(await this.d.validation.teamExists(target.team))) throw new ValidationError(`Unknown team ${target.team}`, [{ path: 'team', message: 'unknown team' }]);
    await validateRule({ on: 'macro', actions: input.actions }, this.d.validation);
    return target;
  }

  async create(input: MacroInput, p: Principal): Promise<MacroView> {
    const target = await this.check(input, p);
    return serializeMacro(await this.d.Macro.create({ name: input.name, scope: input.scope, ...target, actions: input.actions, createdBy: p.id }));
  }

  async update(id: string, input: MacroInput, p: Principal): Promise<MacroView> {
    const m = await this.get(id, p);
    if (!this.mayEdit(m, p)) throw new ForbiddenError('You may not change this macro');
    const target = await this.check(input, p);
    const doc = await this.d.Macro.findOneAndUpdate({ _id: id }, { $set: { name: input.name, scope: input.scope, ...target, actions: input.actions } }, { new: true });
    return serializeMacro(doc!);
  }

  async remove(id: string, p: Principal): Promise<void> {
    const m = await this.get(id, p);
    if (!this.mayEdit(m, p)) throw new ForbiddenError('You may not delete this macro');
    await this.d.Macro.deleteOne({ _id: id });
  }

  /**
   * Applies a macro to a ticket as the agent: its changes first (a refused change, e.g. a solve
   * without a required field, is the agent's error and nothing happens), then its note and reply.
   */
  async apply(number: number, id: string, p: Principal): Promise<{ ticket: TicketDoc; failures: ActionFailure[] }> {
    const ticket = await this.d.tickets.visible(number, p);
    const m = await this.get(id, p);
    const res = await this.d.runner.apply(ticket, m.actions, { principal: p, actor: { type: 'agent', id: p.id, name: p.name }, key: `macro-${m.id}-${randomUUID()}`, macro: { id: m.id, name: m.name }, strict: true });
    await this.d.timeline.addEvent(res.ticket, { type: 'macro_applied', data: { macroId: m.id, macro: m.name, by: p.name, actions: m.actions.map(summarize) } }, `${p.name} applied the macro "${m.name}"`);
    return res;
  }
}
