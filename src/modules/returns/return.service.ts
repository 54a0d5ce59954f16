import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import { LookupRows } from '../../infra/lookup-rows';
import type { Principal } from '../auth/principal';
import { nextSequence, type CounterModel } from '../counters/counter.model';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { mayDecideWarranty, type UnitService } from '../units/unit.service';
import { assertRead, canRead } from './return.access';
import type { ReturnEffects } from './return.effects';
import type { ReturnKind, ReturnReasonCode } from './return.machine';
import type { ReturnDoc, ReturnEvent, ReturnModels } from './return.model';
import type { ListReturnsQuery } from './return.schemas';

/** The team that approves, receives, inspects and settles returns, when the organisation has it. */
export const RETURNS_TEAM = 'returns';

export interface CreateReturnInput {
  kind: ReturnKind;
  unitId: string;
  reason: string;
  reasonCode?: ReturnReasonCode;
  override?: { reason: string };
  clientId?: string;
}

export interface ReturnServiceDeps {
  models: ReturnModels;
  Counter: CounterModel;
  tickets: Pick<TicketService, 'visible'>;
  updates: Pick<TicketUpdates, 'update'>;
  units: UnitService;
  teams: { exists(key: string): Promise<boolean>; list(): Promise<{ key: string }[]> };
  effects: ReturnEffects;
  clock: Clock;
}

export const TICKET_KEY = (n: number) => `ticket:${n}`;
export const OPEN_KEY = (team: string) => `open:${team}`;

/** Returns and exchanges (退换货) as their own records: asked for on a ticket, for one unit. */
export class ReturnService {
  private readonly rows: LookupRows;

  constructor(private readonly d: ReturnServiceDeps) {
    this.rows = new LookupRows(d.models.ReturnIndex);
  }

  private get Return() {
    return this.d.models.Return;
  }

  async get(id: string): Promise<ReturnDoc> {
    const r = Types.ObjectId.isValid(id) ? await this.Return.findById(id) : null;
    if (!r) throw new NotFoundError('Return');
    return r;
  }

  /** 404 when it does not exist or neither the working team nor the ticket's team is the reader's. */
  async visible(id: string, principal: Principal): Promise<ReturnDoc> {
    const r = await this.get(id);
    assertRead(r, principal);
    return r;
  }

  /**
   * A return, exchange or repair of a unit of the ticket's customer. A kind outside the unit's
   * entitlement is 422 `not_entitled` unless a warranty technician or a manager overrides it with
   * a reason. One return per unit at a time (409 `return_in_progress`). With a `clientId` a
   * repeated request answers the first return.
   */
  async create(ticketNumber: number, input: CreateReturnInput, principal: Principal): Promise<{ ret: ReturnDoc; created: boolean }> {
    const ticket = await this.d.tickets.visible(ticketNumber, principal);
    const createKey = input.clientId ? `${String(ticket._id)}:${input.clientId}` : undefined;
    if (createKey) {
      const first = await this.Return.findOne({ createKey });
      if (first) return { ret: first, created: false };
    }
    const unit = await this.d.units.byId(input.unitId);
    if (String(unit.customerId) !== String(ticket.customerId)) throw new AppError(422, 'unit_of_other_customer', 'This unit belongs to another customer than the ticket\'s');
    const warranty = await this.d.units.warrantyOf(unit);
    const entitled = (warranty.entitlement as string[]).includes(input.kind);
    if (!entitled && !input.override) {
      throw new AppError(422, 'not_entitled', `A ${input.kind} is not within this unit's entitlement: ${warranty.reason.en}`, { entitlement: warranty.entitlement, reason: warranty.reason });
    }
    if (!entitled && !mayDecideWarranty(principal)) throw new ForbiddenError('Only the warranty team (三包) and managers may grant what the entitlement does not');

    const now = this.d.clock.now();
    const by = { id: principal.id, name: principal.name };
    const team = (await this.d.teams.exists(RETURNS_TEAM)) ? RETURNS_TEAM : ticket.team;
    const _id = new Types.ObjectId();
    if (!(await this.d.units.claimForReturn(unit._id, _id))) {
      const fresh = await this.d.units.byId(unit._id);
      throw new ConflictError('This unit has a return in progress', 'return_in_progress', { returnId: fresh.openReturnId ? String(fresh.openReturnId) : null });
    }
    const number = await nextSequence(this.d.Counter, 'return');
    await this.rows.add(TICKET_KEY(ticket.number), _id);
    await this.rows.add(OPEN_KEY(team), _id);
    const event: ReturnEvent = { id: randomUUID(), type: 'request', from: null, to: 'requested', note: input.reason, data: { kind: input.kind, ...(entitled ? {} : { override: input.override!.reason }) }, by, at: now, clientId: null, effectsDone: false };
    let ret: ReturnDoc;
    try {
      ret = await this.Return.create({
        _id,
        number,
        ticketId: ticket._id,
        ticketNumber: ticket.number,
        ticketTeam: ticket.team,
        team,
        unitId: unit._id,
        customerId: unit.customerId,
        model: unit.model,
        serial: unit.serial,
        kind: input.kind,
        reason: input.reason,
        reasonCode: input.reasonCode ?? 'performance_fault',
        status: 'requested',
        warranty: { status: warranty.status, entitlement: warranty.entitlement, reasonCode: warranty.reason.code, days: warranty.daysSincePurchase },
        override: entitled ? null : { reason: input.override!.reason, by, at: now },
        events: [event],
        createdBy: by,
        ...(createKey ? { createKey } : {}),
      });
    } catch (err) {
      await this.d.units.releaseReturn(unit._id, _id);
      await this.rows.remove(_id, [TICKET_KEY(ticket.number), OPEN_KEY(team)]);
      const first = (err as { code?: number }).code === 11000 && createKey ? await this.Return.findOne({ createKey }) : null;
      if (first) return { ret: first, created: false }; // the same request twice at once
      throw err;
    }
    if (!ticket.unitId) {
      await this.d.updates.update(ticket.number, { unit: { id: unit._id, customerId: unit.customerId as Types.ObjectId, model: unit.model, serial: unit.serial } }, principal);
    }
    await this.d.units.noteTicket(unit._id, ticket.number);
    await this.d.effects.stepped(ret, event);
    return { ret, created: true };
  }

  /**
   * Returns the reader may see. By ticket or `status=open` they are read through lookup rows (no
   * scan: the returns team's work list); other filters page through the collection newest first.
   */
  async list(q: ListReturnsQuery, principal: Principal): Promise<{ returns: ReturnDoc[]; nextCursor: string | null }> {
    if (q.team) principal.assertTeam(q.team);
    let docs: ReturnDoc[];
    if (q.ticket || q.status === 'open') {
      const teams = q.team ? [q.team] : (principal.visibleTeams() ?? (await this.d.teams.list()).map((t) => t.key));
      const keys = q.ticket ? [TICKET_KEY(q.ticket)] : teams.map(OPEN_KEY);
      const ids = await this.rows.ids(keys);
      docs = ids.length ? await this.Return.find({ _id: { $in: ids } }) : [];
      docs = docs.filter((r) => (q.status === 'open' ? r.status !== 'closed' : !q.status || r.status === q.status) && (!q.team || r.team === q.team || r.ticketTeam === q.team));
      docs.sort((a, b) => (String(a._id) < String(b._id) ? 1 : -1));
      if (q.cursor) docs = docs.filter((r) => String(r._id) < q.cursor!);
    } else {
      const visible = q.team ? [q.team] : principal.visibleTeams();
      const filter: Record<string, unknown> = visible ? { $or: [{ team: { $in: [...visible] } }, { ticketTeam: { $in: [...visible] } }] } : {};
      if (q.status) filter.status = q.status;
      if (q.cursor) filter._id = { $lt: new Types.ObjectId(q.cursor) };
      docs = await this.Return.find(filter).sort({ _id: -1 }).limit(q.limit + 1);
    }
    docs = docs.filter((r) => canRead(r, principal));
    const page = docs.slice(0, q.limit);
    return { returns: page, nextCursor: docs.length > q.limit ? String(page[page.length - 1]._id) : null };
  }

  /** A return left the work list (closed): its open row no longer names it. */
  async closed(r: ReturnDoc): Promise<void> {
    await this.rows.remove(r._id, [OPEN_KEY(r.team)]);
  }
}
