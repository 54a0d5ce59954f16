import { Types } from 'mongoose';
import { hasRole, ROLE_SETS, SYSTEM, type Actor } from '../../core/types';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { AuditLog } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { TicketMessages } from './ticket.messages';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { TicketChanges, TicketEvents } from './ticket.observers';
import { assertTransition, statusFields } from './ticket.rules';
import type { TicketWriteGuard } from './ticket.guard';
import type { TicketService } from './ticket.service';
import type { Priority, TicketStatus, TicketType } from './ticket.types';

export interface TicketPatch {
  status?: TicketStatus;
  priority?: Priority;
  type?: TicketType;
  team?: string;
  assignee?: string | null;
  subject?: string;
  tags?: string[];
  /** custom fields to set (`null` clears one), validated by the write guard */
  fields?: Record<string, unknown>;
  /** link the ticket to a unit of its customer (null unlinks); resolved by the caller */
  unit?: UnitRef | null;
}

/** A unit as the ticket sees it (src/modules/units resolves it). */
export interface UnitRef {
  id: Types.ObjectId;
  customerId: Types.ObjectId;
  model: string;
  serial: string;
}

export interface TicketUpdatesDeps {
  Ticket: TicketModel;
  Agent: AgentModel;
  tickets: TicketService;
  timeline: Pick<TicketMessages, 'addEvent'>;
  events: TicketEvents;
  audit: AuditLog;
  teams: { exists(key: string): Promise<boolean> };
  /** custom fields: validated on every write, required ones before a solve */
  guard: TicketWriteGuard;
  clock: Clock;
}

/** Changes to a ticket and the rules behind them: who may move or reassign it, status transitions, assignment. */
export class TicketUpdates {
  constructor(private readonly d: TicketUpdatesDeps) {}

  /** A change by an agent (`principal`), or by the system when there is none. Returns the ticket as the observers left it. */
  async update(number: number, patch: TicketPatch, principal: Principal | null, actor?: Actor): Promise<TicketDoc> {
    const { tickets } = this.d;
    const ticket = principal ? await tickets.visible(number, principal) : await tickets.byNumber(number);
    const who: Actor = actor ?? (principal ? { type: 'agent', id: principal.id, name: principal.name } : SYSTEM);
    const set: Record<string, unknown> = {};
    const changes: TicketChanges = {};
    if (patch.status && patch.status !== ticket.status) {
      assertTransition(ticket.status as TicketStatus, patch.status);
      Object.assign(set, statusFields(patch.status, this.d.clock.now(), principal?.id));
      if (ticket.status === 'solved' && patch.status !== 'closed') set.reopenCount = ticket.reopenCount + 1;
      changes.status = [ticket.status, patch.status];
    }
    for (const f of ['priority', 'type', 'subject'] as const) {
      if (patch[f] !== undefined && patch[f] !== ticket[f]) {
        set[f] = patch[f];
        changes[f] = [ticket[f], patch[f]];
      }
    }
    if (patch.tags) {
      const tags = [...new Set(patch.tags)];
      set.tags = tags;
      // a change like any other: audited, shown live, and the search index drops a removed tag's word
      const old = ticket.tags ?? [];
      if (tags.length !== old.length || tags.some((t, i) => t !== old[i])) changes.tags = [old, tags];
    }
    if (patch.unit !== undefined && String(patch.unit?.id ?? null) !== String(ticket.unitId ?? null)) {
      if (patch.unit && String(patch.unit.customerId) !== String(ticket.customerId)) throw new AppError(422, 'unit_of_other_customer', 'This unit belongs to another customer');
      set.unitId = patch.unit?.id ?? null;
      if (patch.unit) set.product = { model: patch.unit.model, serial: patch.unit.serial };
      changes.unitId = [ticket.unitId ? String(ticket.unitId) : null, patch.unit ? String(patch.unit.id) : null];
    }
    if (patch.team !== undefined && patch.team !== ticket.team) {
      if (principal && !principal.canReassign(ticket.team) && !principal.canSeeTeam(patch.team)) throw new ForbiddenError('You cannot move tickets to that team');
      if (!(await this.d.teams.exists(patch.team))) throw new ValidationError(`Unknown team ${patch.team}`);
      set.team = patch.team;
      changes.team = [ticket.team, patch.team];
      if (patch.assignee === undefined && ticket.assigneeId) {
        const a = await this.d.Agent.findById(ticket.assigneeId);
        if (a && !a.teams.includes(patch.team)) (set.assigneeId = null), (changes.assignee = [String(ticket.assigneeId), null]);
      }
    }
    if (patch.assignee !== undefined && String(patch.assignee) !== String(ticket.assigneeId ?? null)) {
      const team = (set.team as string) ?? ticket.team;
      if (patch.assignee !== null) {
        if (!Types.ObjectId.isValid(patch.assignee)) throw new ValidationError('assignee is not an agent id');
        const a = await this.d.Agent.findById(patch.assignee);
        if (!a || !a.active) throw new ValidationError('No such active agent');
        if (!a.teams.includes(team) && !hasRole(a.role, ROLE_SETS.allTeams)) throw new ValidationError(`${a.name} does not work in team ${team}`);
      }
      const claimingSelf = principal && patch.assignee === principal.id && !ticket.assigneeId;
      if (principal && !claimingSelf && !principal.canReassign(ticket.team)) throw new ForbiddenError('Only a supervisor or manager can reassign tickets');
      set.assigneeId = patch.assignee ? new Types.ObjectId(patch.assignee) : null;
      changes.assignee = [ticket.assigneeId ? String(ticket.assigneeId) : null, patch.assignee];
    }
    // custom fields: validated for the ticket's type and team after this change; null clears one
    const current = (ticket.fields ?? {}) as Record<string, unknown>;
    const ctx = { type: (set.type as string) ?? ticket.type, team: (set.team as string) ?? ticket.team, fields: current };
    const unset: Record<string, ''> = {};
    if (patch.fields && Object.keys(patch.fields).length) {
      const values = await this.d.guard.fields(patch.fields, ctx);
      for (const [key, value] of Object.entries(values)) {
        if (sameValue(current[key], value)) continue;
        if (value === null) unset[`fields.${key}`] = '';
        else set[`fields.${key}`] = value;
        changes[`fields.${key}`] = [current[key] ?? null, value];
      }
      ctx.fields = { ...current, ...values };
    }
    const solving = changes.status && (changes.status[1] === 'solved' || changes.status[1] === 'closed') && changes.status[0] !== 'solved';
    if (solving) await this.d.guard.solving(ctx);
    if (!Object.keys(set).length && !Object.keys(unset).length) return ticket;
    const entry = Object.keys(changes).length ? this.d.events.entry('changed', { changes, actor: who }) : null;
    const updated = await this.d.Ticket.findOneAndUpdate(
      { _id: ticket._id },
      { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}), ...(entry ? { $push: { effects: entry } } : {}) },
      { new: true },
    );
    if (!updated) throw new NotFoundError(`Ticket #${number}`);
    if (!entry) return updated;
    await this.d.audit.record(updated, who, 'updated', changes);
    if (changes.status) {
      const [from, to] = changes.status as [string, string];
      await this.d.timeline.addEvent(updated, { type: 'status_changed', data: { from, to, by: who.name } }, `${who.name}: ${from} → ${to}`);
    }
    const fields = Object.fromEntries((['priority', 'type', 'team', 'subject'] as const).filter((f) => changes[f]).map((f) => [f, changes[f] as [string, string]]));
    if (Object.keys(fields).length) {
      const text = Object.entries(fields).map(([f, [a, b]]) => `${f} ${a} → ${b}`).join(', ');
      await this.d.timeline.addEvent(updated, { type: 'fields_changed', data: { changes: fields, by: who.name } }, `${who.name}: ${text}`);
    }
    if (changes.assignee) await this.assignmentEvent(updated, changes.assignee as [string | null, string | null], who, { claimed: !!principal && changes.assignee[1] === principal.id && !changes.assignee[0] });
    await this.d.events.changed(updated, changes, who, entry);
    return (await tickets.byId(updated._id)) ?? updated;
  }

  /**
   * Routing: gives the first ticket matching `filter` (in `sort` order) that has no assignee to the
   * agent, in one conditional update, so two processes never assign one ticket twice. Null when none;
   * else the ticket as the observers of the assignment left it.
   */
  async assignIfUnassigned(filter: Record<string, unknown>, agentId: string, actor: Actor, sort: Record<string, 1 | -1> = { createdAt: 1 }): Promise<TicketDoc | null> {
    const changes: TicketChanges = { assignee: [null, agentId] };
    const entry = this.d.events.entry('changed', { changes, actor });
    const updated = await this.d.Ticket.findOneAndUpdate({ ...filter, assigneeId: null }, { $set: { assigneeId: new Types.ObjectId(agentId) }, $push: { effects: entry } }, { sort, new: true });
    if (!updated) return null;
    await this.d.audit.record(updated, actor, 'updated', changes);
    await this.assignmentEvent(updated, [null, agentId], actor, { routed: true });
    return this.d.events.changed(updated, changes, actor, entry);
  }

  /**
   * The timeline line of an assignment, with the names (the reader sees who, in their language):
   * a claim, an assignment by a lead, a routed chat, or an unassignment.
   */
  async assignmentEvent(ticket: TicketDoc, [fromId, toId]: [string | null, string | null], who: Actor, how: { claimed?: boolean; routed?: boolean } = {}): Promise<void> {
    const ids = [fromId, toId].filter((x): x is string => !!x && Types.ObjectId.isValid(x));
    const agents = ids.length ? await this.d.Agent.find({ _id: { $in: ids } }, { name: 1 }).lean() : [];
    const named = (id: string | null) => (id ? { id, name: agents.find((a) => String(a._id) === id)?.name ?? '' } : null);
    const from = named(fromId);
    const to = named(toId);
    const text = how.claimed ? `${who.name} claimed the ticket` : to ? `${who.name}: assigned to ${to.name}` : `${who.name}: unassigned${from ? ` (was ${from.name})` : ''}`;
    await this.d.timeline.addEvent(ticket, { type: 'assigned', data: { from, to, by: who.name, ...(how.claimed ? { claimed: true } : {}), ...(how.routed ? { routed: true } : {}) } }, text);
  }

  /** Channel and module state kept on the ticket (`meta.<field>`): one write, no observers, nothing audited. */
  async setMeta(ticket: Pick<TicketDoc, '_id'>, fields: Record<string, unknown>): Promise<void> {
    await this.d.Ticket.updateOne({ _id: ticket._id }, { $set: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`meta.${k}`, v])) });
  }

  /** Customer records merged: their tickets follow. Answers the tickets moved, as they were. */
  async moveCustomer(from: Types.ObjectId, into: Types.ObjectId): Promise<TicketDoc[]> {
    const moved = await this.d.Ticket.find({ customerId: from });
    await this.d.Ticket.updateMany({ customerId: from }, { $set: { customerId: into } });
    return moved;
  }
}

/** Whether a stored field value and a new one are the same (dates compare by instant). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === null || b === undefined;
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  return a === b;
}
