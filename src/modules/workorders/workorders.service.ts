import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import { CounterModel, nextSequence } from '../counters/counter.model';
import type { CustomerDoc } from '../customers/customer.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { Actor } from '../../core/types';
import { assertDispatch, assertSee, canDispatch, listScope } from './workorders.access';
import type { WorkOrderDoc, WorkOrderModel } from './workorders.model';
import { DISPATCHER_STEPS, FINAL, nextStatus, plannedStatus, WoKind, WoStatus, WoStep } from './workorder-state';
import type { OnSiteSla } from './onsite-sla';
import { assertPaymentCleared, paymentOf, type QuoteStatusOfPayment, UnitLookup } from './workorders.seams';
import { keys, WorkOrderIndex } from './workorders.index';

export interface Window {
  start: Date;
  end: Date;
}

export interface CreateWorkOrderInput {
  kind: WoKind;
  description: string;
  address: string;
  unitId?: string;
  emergency?: boolean;
  window?: Window;
  engineer?: string;
  team?: string;
}

export interface PatchWorkOrderInput {
  engineer?: string | null;
  window?: Window | null;
  address?: string;
  emergency?: boolean;
  /** who moved the window: a customer's reschedule pauses the on-site clock until the new window */
  rescheduledBy?: 'customer' | 'dispatcher';
}

export interface StepInput {
  type: WoStep;
  reason?: string;
  note?: string;
  clientId: string;
  at?: Date;
}

/** `quote`: what the customer did with its quote (the quotes module writes the ticket's line) */
export type ChangeKind = 'created' | 'planned' | 'step' | 'sla' | 'report' | 'payment' | 'quote';

/** What one write changed, for the listeners (timeline, sockets, on-site timers, customer mails). */
export interface WorkOrderChange {
  kind: ChangeKind;
  step?: WoStep;
  from: WoStatus;
  to: WoStatus;
  engineer: [string | null, string | null];
  window: [number | null, number | null];
  emergency: [boolean, boolean];
  customerReschedule?: boolean;
  actor: Actor;
  reason?: string | null;
  /** the SLA before and after the write */
  sla: [OnSiteSla | null, OnSiteSla | null];
}

export type WorkOrderListener = (wo: WorkOrderDoc, change: WorkOrderChange) => Promise<void>;

/** Lays the on-site target for a change about to be written (onsite.service.ts). */
export interface OnSitePlanner {
  plan(before: WorkOrderDoc, after: { status: WoStatus; emergency: boolean; window: Window | null; team: string; customerReschedule: boolean; at: Date }): Promise<OnSiteSla | null>;
}

interface Draft {
  set: Record<string, unknown>;
  event?: Record<string, unknown>;
  kind: ChangeKind;
  step?: WoStep;
  customerReschedule?: boolean;
  reason?: string | null;
  at?: Date;
  /** a write that already decided the SLA (the evaluator) */
  sla?: OnSiteSla | null;
}

export interface WorkOrderDeps {
  WorkOrder: WorkOrderModel;
  Counter: CounterModel;
  Agent: AgentModel;
  tickets: { visible(number: number, p: Principal): Promise<TicketDoc> };
  customers: { get(id: string): Promise<CustomerDoc> };
  teams: { exists(key: string): Promise<boolean> };
  onsite: OnSitePlanner;
  /** units (#16): a work order takes its ticket's unit, or a named one, with its warranty now */
  units: UnitLookup;
  index: WorkOrderIndex;
  clock: Clock;
  log: Logger;
}

const MAX_EVENTS = 200;
/** a change's effects not done this long after its write are re-driven by the sweeper (the write's own run has had its chance) */
export const EFFECTS_GRACE_MS = 2 * 60_000;
const MAX_WINDOW_MS = 24 * 3600_000;
/** a step's `at` from the phone: queued offline up to this long, and never in the future beyond clock skew */
const MAX_STEP_AGE_MS = 48 * 3600_000;
const MAX_STEP_SKEW_MS = 5 * 60_000;

export const formatNumber = (n: number) => `WO-${String(n).padStart(6, '0')}`;
const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.id, name: p.name });

/**
 * Work orders (工单): raised from a ticket, planned by dispatchers, worked by an engineer step by
 * step. Every write is one conditional update on `rev` (no transactions on the embedded store),
 * so the phone, the board, the timers and the sweeper may race on one work order safely; a step
 * carries the phone's `clientId`, and a replay of it answers the first result and changes nothing.
 */
export class WorkOrderService {
  private readonly listeners: WorkOrderListener[] = [];

  constructor(private readonly d: WorkOrderDeps) {}

  /** Listeners run after each write, in order; a failing one is logged (its effects are idempotent or swept). */
  observe(fn: WorkOrderListener): void {
    this.listeners.push(fn);
  }

  // ---- reading -------------------------------------------------------------------------------

  async byId(id: string): Promise<WorkOrderDoc | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.d.WorkOrder.findById(id);
  }

  async visible(id: string, p: Principal): Promise<WorkOrderDoc> {
    const wo = await this.byId(id);
    if (!wo) throw new NotFoundError(`Work order ${id}`);
    assertSee(p, wo);
    return wo;
  }

  async list(p: Principal, f: { status?: WoStatus[]; engineer?: string; team?: string; from?: Date; to?: Date; ticket?: number; limit: number }): Promise<WorkOrderDoc[]> {
    const q: Record<string, unknown> = { ...listScope(p, f.team) };
    const candidates = await this.candidates(p, f);
    if (candidates) q._id = { $in: candidates };
    if (f.status?.length) q.status = { $in: f.status };
    if (f.engineer === 'none') q.engineerId = null;
    else if (f.engineer) q.engineerId = new Types.ObjectId(f.engineer === 'me' ? p.id : f.engineer);
    if (f.ticket) q.ticketNumber = f.ticket;
    // a window overlapping [from, to)
    if (f.to) q['window.start'] = { $lt: f.to };
    if (f.from) q['window.end'] = { $gt: f.from };
    return this.d.WorkOrder.find(q).sort({ 'window.start': 1, _id: 1 }).limit(f.limit);
  }

  /**
   * The ids a list can be answered from without a scan: the ticket's row, or an engineer's open
   * work orders and their teams' days in a range of up to a week. Null: the query scans.
   */
  private async candidates(p: Principal, f: { status?: WoStatus[]; engineer?: string; team?: string; from?: Date; to?: Date; ticket?: number }): Promise<Types.ObjectId[] | null> {
    if (f.ticket) return this.d.index.ids([keys.ticket(f.ticket)]);
    if (!f.engineer || f.engineer === 'none') return null;
    const engineerId = f.engineer === 'me' ? p.id : f.engineer;
    const onlyOpen = !!f.status?.length && f.status.every((x) => !FINAL.includes(x));
    const ranged = f.from && f.to && f.to.getTime() - f.from.getTime() <= 7 * 24 * 3600_000;
    if (!onlyOpen && !ranged) return null;
    const rows = [keys.open(engineerId)];
    if (ranged) {
      const teams = f.engineer === 'me' ? [...p.teams] : ((await this.d.Agent.findById(engineerId, { teams: 1 }).lean())?.teams ?? []);
      for (const team of f.team ? [f.team] : teams) {
        for (const day of await this.d.index.daysIn(team, f.from!, f.to!)) rows.push(keys.day(team, day));
      }
    }
    return this.d.index.ids(rows);
  }

  // ---- raising -------------------------------------------------------------------------------

  async create(ticketNumber: number, input: CreateWorkOrderInput, p: Principal): Promise<WorkOrderDoc> {
    const ticket = await this.d.tickets.visible(ticketNumber, p);
    const team = input.team ?? 'field';
    if (!(await this.d.teams.exists(team))) throw new ValidationError(`Unknown team ${team}`, [{ path: 'team', message: 'no such team' }]);
    if (input.engineer || input.window) assertDispatch(p, team);
    if (input.window) checkWindow(input.window);
    const engineerId = input.engineer ? await this.engineerOf(input.engineer, team) : null;
    // the ticket's own unit unless another is named
    const unitId = input.unitId ?? (ticket.unitId ? String(ticket.unitId) : undefined);
    const unit = unitId ? await this.unitOf(unitId, String(ticket.customerId)) : null;
    const warranty = unit ? { ...unit.warranty, model: unit.model, serial: unit.serial } : null;
    const payment = paymentOf(input.kind, warranty);
    const status = plannedStatus('new', { engineer: !!engineerId, window: !!input.window, sameEngineer: false })!;
    if (status === 'dispatched') assertPaymentCleared({ payment });
    const customer = await this.d.customers.get(String(ticket.customerId));
    const earlier = await this.d.index.ids([keys.ticket(ticket.number), ...(unitId ? [keys.unit(unitId)] : [])]);
    const previous = earlier.length ? await this.d.WorkOrder.findOne({ _id: { $in: earlier }, status: { $ne: 'cancelled' } }, { _id: 1, visit: 1 }).sort({ _id: -1 }) : null;
    const number = formatNumber(await nextSequence(this.d.Counter, 'workorder'));
    const now = this.d.clock.now();
    const _id = new Types.ObjectId();
    const createdChange: WorkOrderChange = { kind: 'created', from: 'new', to: 'new', engineer: [null, null], window: [null, null], emergency: [false, !!input.emergency], actor: actorOf(p), sla: [null, null] };
    await this.d.index.prepare(_id, null, { team, ticketNumber: ticket.number, unitId: unitId ?? null, engineerId, status: 'new', window: input.window ?? null });
    const created = await this.d.WorkOrder.create({
      _id,
      number,
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      ticketTeam: ticket.team,
      ticketChannel: ticket.channel,
      customerId: ticket.customerId,
      contact: { name: customer.name, phone: customer.phones[0] ?? null, email: customer.emails[0] ?? null, locale: customer.locale },
      kind: input.kind,
      description: input.description,
      address: input.address,
      team,
      engineerId,
      window: input.window ?? null,
      emergency: !!input.emergency,
      unitId: unitId ?? null,
      warranty,
      payment,
      status: 'new',
      visit: previous ? (previous.visit ?? 1) + 1 : 1,
      revisitOf: previous?._id ?? null,
      events: [{ type: 'created', at: now, by: actorOf(p), to: 'new' }],
      pendingEffects: [{ rev: 0, change: createdChange, at: now }],
    });
    if (previous) await this.d.WorkOrder.updateOne({ _id: previous._id, revisitedBy: null }, { $set: { revisitedBy: created._id } });
    await this.emit(created, createdChange, 0);
    if (status === 'new') return created;
    // planned at once: the same path as a dispatcher's change, so the SLA and the notices follow
    return (await this.write(String(created._id), async (wo) => this.planDraft(wo, { status, engineerId, window: input.window ?? null, emergency: wo.emergency, address: wo.address }, p, false), actorOf(p))).wo;
  }

  // ---- planning ------------------------------------------------------------------------------

  /** A dispatcher's change of engineer, window, address or emergency. */
  async patch(id: string, input: PatchWorkOrderInput, p: Principal): Promise<WorkOrderDoc> {
    const first = await this.visible(id, p);
    assertDispatch(p, first.team);
    if (input.window) checkWindow(input.window);
    const engineerId = input.engineer === undefined ? undefined : input.engineer === null ? null : await this.engineerOf(input.engineer, first.team);
    const { wo } = await this.write(
      id,
      async (cur) => {
        if (FINAL.includes(cur.status as WoStatus)) throw invalid(`Work order ${cur.number} is ${cur.status}; it cannot change`);
        const plan = {
          engineerId: engineerId === undefined ? (cur.engineerId ? String(cur.engineerId) : null) : engineerId && String(engineerId),
          window: input.window === undefined ? (cur.window?.start ? { start: cur.window.start, end: cur.window.end! } : null) : input.window,
        };
        const planning = input.engineer !== undefined || input.window !== undefined;
        const status = planning
          ? plannedStatus(cur.status as WoStatus, { engineer: !!plan.engineerId, window: !!plan.window, sameEngineer: plan.engineerId === (cur.engineerId ? String(cur.engineerId) : null) })
          : (cur.status as WoStatus);
        if (!status) throw invalid(`Work order ${cur.number} is ${cur.status}: the engineer is on the way or on site; the engineer and the window cannot change now`);
        if (status === 'dispatched' && cur.status !== 'dispatched') assertPaymentCleared(cur);
        return this.planDraft(cur, { status, engineerId: plan.engineerId ? new Types.ObjectId(plan.engineerId) : null, window: plan.window, emergency: input.emergency ?? cur.emergency, address: input.address ?? cur.address }, p, input.rescheduledBy === 'customer');
      },
      actorOf(p),
    );
    return wo;
  }

  private planDraft(cur: WorkOrderDoc, next: { status: WoStatus; engineerId: Types.ObjectId | null; window: Window | null; emergency: boolean; address: string }, p: Principal, customerReschedule: boolean): Draft | null {
    const sameWindow = (cur.window?.start?.getTime() ?? null) === (next.window?.start.getTime() ?? null) && (cur.window?.end?.getTime() ?? null) === (next.window?.end.getTime() ?? null);
    const sameEngineer = String(cur.engineerId ?? '') === String(next.engineerId ?? '');
    if (sameWindow && sameEngineer && next.emergency === cur.emergency && next.address === cur.address && next.status === cur.status) return null;
    const now = this.d.clock.now();
    const set: Record<string, unknown> = { status: next.status, engineerId: next.engineerId, window: next.window, emergency: next.emergency, address: next.address };
    if (next.status === 'dispatched' && !cur.dispatchedAt) set.dispatchedAt = now;
    const type = next.status !== cur.status ? next.status : !sameEngineer ? 'reassigned' : !sameWindow ? 'rescheduled' : 'updated';
    return {
      kind: 'planned',
      set,
      customerReschedule: customerReschedule && !sameWindow,
      event: { type, at: now, by: actorOf(p), from: cur.status, to: next.status, engineerId: next.engineerId ? String(next.engineerId) : null, window: next.window, reason: customerReschedule && !sameWindow ? 'customer_reschedule' : null },
    };
  }

  // ---- the engineer's steps ------------------------------------------------------------------

  /** One state step; a repeated clientId answers the work order and changes nothing. */
  async step(id: string, input: StepInput, p: Principal): Promise<{ wo: WorkOrderDoc; replayed: boolean }> {
    const first = await this.visible(id, p);
    const mine = first.engineerId && String(first.engineerId) === p.id;
    const dispatcher = canDispatch(p, first.team);
    if (!dispatcher && (DISPATCHER_STEPS.includes(input.type) || !mine)) assertDispatch(p, first.team);
    const now = this.d.clock.now();
    const at = input.at ?? now;
    if (at.getTime() > now.getTime() + MAX_STEP_SKEW_MS || at.getTime() < now.getTime() - MAX_STEP_AGE_MS) {
      throw new ValidationError('at must be within the last 48 hours and not in the future', [{ path: 'at', message: 'out of range' }]);
    }
    if (input.type === 'cannot_complete' && !input.reason) throw new ValidationError('cannot_complete needs a reason', [{ path: 'reason', message: 'customer_absent, part_missing, quote_declined or other' }]);
    const { wo, replayed } = await this.write(
      id,
      async (cur) => {
        const to = nextStatus(cur.status as WoStatus, input.type);
        if (!to) throw invalid(`${input.type} does not follow ${cur.status} (work order ${cur.number})`, { status: cur.status, step: input.type });
        if (input.type !== 'cancel' && cur.engineerId && String(cur.engineerId) !== p.id && !dispatcher) throw invalid(`Work order ${cur.number} is no longer yours`);
        const last = cur.events[cur.events.length - 1]?.at;
        const stamp = last && at < last ? last : at; // a replayed step never goes back before the one it followed
        const set: Record<string, unknown> = { status: to };
        if (input.type === 'reject') set.engineerId = null;
        if (input.type === 'arrive') set.arrivedAt = stamp;
        if (to === 'completed' || to === 'cannot_complete') set.completedAt = stamp;
        if (input.type === 'cannot_complete' || input.type === 'cancel') set.outcome = { reason: input.type === 'cannot_complete' ? input.reason : null, note: input.note ?? (input.type === 'cancel' ? (input.reason ?? null) : null) };
        return { kind: 'step', step: input.type, set, at: stamp, reason: input.reason ?? null, event: { type: input.type, at: stamp, by: actorOf(p), from: cur.status, to, reason: input.reason ?? null, note: input.note ?? null, clientId: input.clientId } };
      },
      actorOf(p),
      input.clientId,
    );
    return { wo, replayed };
  }

  // ---- seams for other modules ---------------------------------------------------------------

  /** The report was filed (service-report.service.ts): completes an on-site work order. */
  async reportFiled(id: string, report: { version: number; clientId: string | null }, actor: Actor): Promise<WorkOrderDoc> {
    const { wo } = await this.write(
      id,
      async (cur) => {
        const now = this.d.clock.now();
        const set: Record<string, unknown> = { report: { version: report.version, filedAt: now, filedBy: actor.id ?? null, clientId: report.clientId } };
        if (cur.status === 'on_site') Object.assign(set, { status: 'completed', completedAt: now });
        return { kind: 'report', step: cur.status === 'on_site' ? 'complete' : undefined, set, event: { type: report.version > 1 ? 'report_corrected' : 'report', at: now, by: actor, from: cur.status, to: set.status ?? cur.status } };
      },
      actor,
    );
    return wo;
  }

  /** Quotes and payment (a later issue) call this when the quote of an out-of-warranty repair is paid. */
  async paymentCleared(id: string, quoteId: string, actor: Actor): Promise<WorkOrderDoc> {
    const { wo } = await this.write(id, async (cur) => (cur.payment?.status === 'paid' ? null : { kind: 'payment', set: { payment: { required: cur.payment?.required ?? false, quoteId, status: 'paid' } } }), actor);
    return wo;
  }

  /**
   * A quote for the work order was sent, accepted, declined or expired: the dispatcher sees what the
   * customer did while the payment is awaited (a declined quote leaves the repair unpaid: a new quote
   * or a cancellation follows). Ignored once paid, and when a quote older than the one it shows is
   * declined or lapses.
   */
  async quoteAnswered(id: string, quoteId: string, quoteStatus: QuoteStatusOfPayment, actor: Actor): Promise<WorkOrderDoc | null> {
    if (!(await this.byId(id))) return null;
    const { wo } = await this.write(
      id,
      async (cur) => {
        const p = cur.payment;
        if (!p?.required || p.status === 'paid') return null;
        // an older quote declined or lapsing leaves the newer one shown; accepted, any quote may be paid
        if (p.quoteId && p.quoteId > quoteId && quoteStatus !== 'accepted') return null;
        if (p.quoteId === quoteId && p.quoteStatus === quoteStatus) return null;
        return { kind: 'quote', set: { payment: { required: true, quoteId, status: 'awaiting', quoteStatus } } };
      },
      actor,
    );
    return wo;
  }

  /** A write decided by the on-site evaluator (warnings, breaches, escalation levels). */
  async writeSla(id: string, decide: (wo: WorkOrderDoc) => Promise<OnSiteSla | undefined>): Promise<WorkOrderDoc | null> {
    const wo = await this.byId(id);
    if (!wo) return null;
    return (await this.write(id, async (cur) => {
      const sla = await decide(cur);
      return sla === undefined ? null : { kind: 'sla', set: {}, sla };
    }, { type: 'system', name: 'Aftercare' })).wo;
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Reads, decides and writes conditionally on `rev`, retrying on a concurrent write. With a
   * clientId, a work order that already holds a step of that id is answered as it is.
   */
  private async write(id: string, build: (wo: WorkOrderDoc) => Promise<Draft | null>, actor: Actor, clientId?: string): Promise<{ wo: WorkOrderDoc; replayed: boolean }> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const cur = await this.byId(id);
      if (!cur) throw new NotFoundError(`Work order ${id}`);
      if (clientId && cur.events.some((e) => e.clientId === clientId)) return { wo: cur, replayed: true };
      const draft = await build(cur);
      if (!draft) return { wo: cur, replayed: false };
      const status = (draft.set.status as WoStatus | undefined) ?? (cur.status as WoStatus);
      const emergency = (draft.set.emergency as boolean | undefined) ?? cur.emergency;
      const window = draft.set.window !== undefined ? (draft.set.window as Window | null) : cur.window?.start ? { start: cur.window.start, end: cur.window.end! } : null;
      const slaBefore = (cur.sla as OnSiteSla | null) ?? null;
      const sla = draft.sla !== undefined ? draft.sla : await this.d.onsite.plan(cur, { status, emergency, window, team: cur.team, customerReschedule: !!draft.customerReschedule, at: draft.at ?? this.d.clock.now() });
      const engineerAfter = draft.set.engineerId !== undefined ? (draft.set.engineerId as Types.ObjectId | string | null) : cur.engineerId;
      const change: WorkOrderChange = {
        kind: draft.kind,
        step: draft.step,
        from: cur.status as WoStatus,
        to: status,
        engineer: [cur.engineerId ? String(cur.engineerId) : null, engineerAfter ? String(engineerAfter) : null],
        window: [cur.window?.start?.getTime() ?? null, window?.start ? new Date(window.start).getTime() : null],
        emergency: [cur.emergency, emergency],
        customerReschedule: draft.customerReschedule,
        actor,
        reason: draft.reason ?? null,
        sla: [slaBefore, sla ?? null],
      };
      const rev = cur.rev + 1;
      // the change is journaled by the write that makes it: its effects run below, or by the sweeper
      const update: Record<string, unknown> = { $set: { ...draft.set, sla }, $inc: { rev: 1 }, $push: { pendingEffects: { rev, change, at: this.d.clock.now() } } };
      if (draft.event) (update.$push as Record<string, unknown>).events = { $each: [draft.event], $slice: -MAX_EVENTS };
      const { stale } = await this.d.index.prepare(cur._id, cur, {
        team: cur.team,
        ticketNumber: cur.ticketNumber,
        unitId: cur.unitId,
        engineerId: draft.set.engineerId !== undefined ? draft.set.engineerId : cur.engineerId,
        status,
        window,
      });
      const updated = await this.d.WorkOrder.findOneAndUpdate({ _id: cur._id, rev: cur.rev }, update, { new: true });
      if (!updated) continue;
      await this.d.index.prune(cur._id, stale);
      await this.emit(updated, change, rev);
      return { wo: updated, replayed: false };
    }
    throw new ConflictError('The work order is changing under heavy contention; try again', 'busy');
  }

  /**
   * Runs every listener on a change, then takes the change off the journal; a listener that fails
   * is logged and leaves it there, so the sweeper runs them again (each listener's effects are
   * idempotent: keyed timeline lines and mails, timers by id, releases of what is still held).
   */
  private async emit(wo: WorkOrderDoc, change: WorkOrderChange, rev: number): Promise<boolean> {
    let failed = false;
    for (const fn of this.listeners) {
      try {
        await fn(wo, change);
      } catch (err) {
        failed = true;
        this.d.log.error({ workOrder: wo.number, change: change.kind, err }, 'work order listener failed; the sweeper runs its effects again');
      }
    }
    if (!failed) await this.d.WorkOrder.updateOne({ _id: wo._id }, { $pull: { pendingEffects: { rev } } }, { timestamps: false });
    return !failed;
  }

  /**
   * Runs again the effects of changes written more than EFFECTS_GRACE_MS ago and still journaled
   * (a crash between the write and its effects, a listener that failed), oldest first, each on the
   * work order as it is now. Reads the journaled work orders by a filter on `pendingEffects`,
   * a sweep's query (README: indexes), at most `limit` a pass.
   */
  async redrive(limit = 100): Promise<{ redriven: number; failed: number }> {
    const before = new Date(this.d.clock.now().getTime() - EFFECTS_GRACE_MS);
    const stale = await this.d.WorkOrder.find({ 'pendingEffects.at': { $lt: before } }).limit(limit);
    let redriven = 0;
    let failed = 0;
    for (const wo of stale) {
      const due = (wo.pendingEffects ?? []).filter((p) => p.at && p.at < before).sort((a, b) => (a.rev ?? 0) - (b.rev ?? 0));
      for (const p of due) {
        if (await this.emit(wo, p.change as WorkOrderChange, p.rev ?? 0)) redriven++;
        else failed++;
      }
    }
    if (redriven || failed) this.d.log.warn({ redriven, failed }, 'work order effects re-driven');
    return { redriven, failed };
  }

  private async engineerOf(id: string, team: string): Promise<Types.ObjectId> {
    if (!Types.ObjectId.isValid(id)) throw new ValidationError('engineer is not an agent id', [{ path: 'engineer', message: 'an agent id' }]);
    const a = await this.d.Agent.findById(id, { role: 1, teams: 1, active: 1, name: 1 });
    if (!a || !a.active || a.role !== 'engineer') throw new ValidationError('No such active engineer', [{ path: 'engineer', message: 'an active engineer' }]);
    if (!a.teams.includes(team)) throw new ValidationError(`${a.name} does not work in team ${team}`, [{ path: 'engineer', message: `not in team ${team}` }]);
    return a._id;
  }

  private async unitOf(unitId: string, customerId: string) {
    const unit = await this.d.units(unitId);
    if (!unit) throw new ValidationError(`Unknown unit ${unitId}`, [{ path: 'unitId', message: 'no such unit' }]);
    if (unit.customerId !== customerId) throw new ValidationError('The unit belongs to another customer', [{ path: 'unitId', message: "not this ticket's customer's unit" }]);
    return unit;
  }
}

function invalid(message: string, details?: unknown): ConflictError {
  return new ConflictError(message, 'invalid_transition', details);
}

function checkWindow(w: Window): void {
  const ms = w.end.getTime() - w.start.getTime();
  if (!(ms > 0)) throw new ValidationError('The window must end after it starts', [{ path: 'window.end', message: 'after start' }]);
  if (ms > MAX_WINDOW_MS) throw new ValidationError('A window may last at most 24 hours', [{ path: 'window.end', message: 'at most 24 h after start' }]);
}
