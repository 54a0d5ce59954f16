import { Types } from 'mongoose';
import { LookupRows } from '../../infra/lookup-rows';
import type { Actor, Locale } from '../../core/types';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { AgentModel } from '../agents/agent.model';
import type { CounterModel } from '../counters/counter.model';
import { idsBy, oncePerDatabase } from '../counters/migration';
import { Principal } from '../auth/principal';
import type { CalendarSpec } from '../calendars/business-time';
import type { CustomerDoc } from '../customers/customer.model';
import type { TicketInbound } from '../tickets/ticket.inbound';
import type { UnitDoc } from '../units/unit.model';
import type { WorkOrderDoc, WorkOrderModel } from '../workorders/workorders.model';
import type { WorkOrderService } from '../workorders/workorders.service';
import type { AppointmentDoc, AppointmentModels } from './appointment.model';
import { BusyWindow, capacityOf, MAX_RANGE_DAYS, seatKey, Slot, slotGrid } from './slots';

export const BOOKABLE_KINDS = ['repair', 'maintenance', 'installation', 'inspection'] as const;
export type BookableKind = (typeof BOOKABLE_KINDS)[number];
export const FIELD_TEAM = 'field';
/** work orders that no longer hold an engineer's time */
const DONE = ['completed', 'cannot_complete', 'cancelled'];
const SYSTEM_ID = '000000000000000000000000';

/** Who books: the customer of a portal session, or an agent for a customer. */
export type Booker = { kind: 'customer'; customerId: string } | { kind: 'agent'; principal: Principal };

export interface BookInput {
  slotStart: Date;
  unitId: string;
  kind: BookableKind;
  address: string;
  note?: string;
}

const BACKFILL_MARK = 'migration:customer-rows';
const customerKey = (customerId: unknown) => `customer:${String(customerId)}`;

export interface AppointmentDeps {
  models: AppointmentModels;
  WorkOrder: WorkOrderModel;
  Agent: AgentModel;
  /** where the once-per-database migration is marked */
  Counter: CounterModel;
  /** ids of a team's work orders on a local day (the work order lookup rows) */
  workOrdersOnDay: (team: string, day: Date, timeZone: string) => Promise<Types.ObjectId[]>;
  hours: (team: string) => Promise<{ timeZone: string; calendar: CalendarSpec | null }>;
  units: { find(id: string): Promise<UnitDoc | null> };
  customers: { get(id: string): Promise<CustomerDoc> };
  inbound: Pick<TicketInbound, 'receive'>;
  workOrders: Pick<WorkOrderService, 'create' | 'patch' | 'step' | 'byId'>;
  /** what else a booking does (confirmation, the day-before timer, the reminder it answers) */
  onChange: (a: AppointmentDoc, change: 'booked' | 'moved' | 'cancelled') => Promise<void>;
  clock: Clock;
  log: Logger;
  config: { slotMs: number; bufferMs: number; cutoffMs: number };
}

export interface SlotView {
  start: string;
  end: string;
  capacity: number;
  free: number;
}

/**
 * Booked appointments (预约). Free slots come from the team's business hours (its calendar, with
 * holidays), its engineers and their booked windows plus a travel buffer. A booking claims a seat
 * of the slot with an insert of a unique key (no transactions on the embedded store), so parallel
 * bookings of one slot never exceed its capacity: the one that finds no seat answers 409
 * `slot_taken`. Then it opens a ticket on the unit and a `scheduled` work order in the slot's window,
 * which the dispatch board shows live.
 */
export class AppointmentService {
  /** the portal acts through the work order service as the system, with a manager's reach */
  private readonly system = new Principal(SYSTEM_ID, 'Customer portal', '', 'admin', [], 'en', '');

  private readonly rows: LookupRows;

  constructor(private readonly d: AppointmentDeps) {
    this.rows = new LookupRows(d.models.AppointmentIndex);
  }

  async slots(team: string, from: Date, to: Date, model?: string): Promise<{ team: string; timeZone: string; slotMinutes: number; model: string | null; slots: SlotView[] }> {
    if (!(to.getTime() > from.getTime())) throw new ValidationError('to must be after from', [{ path: 'to', message: 'after from' }]);
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 24 * 3600_000) throw new ValidationError(`At most ${MAX_RANGE_DAYS} days at once`, [{ path: 'to', message: `within ${MAX_RANGE_DAYS} days of from` }]);
    const { timeZone, calendar } = await this.d.hours(team);
    const grid = slotGrid(calendar, timeZone, from, to, this.d.config.slotMs, this.d.clock.now());
    const engineers = await this.engineers(team);
    const busy = await this.busy(team, timeZone, from, to);
    const seats = await this.d.models.Seat.find({ team, slotStart: { $gte: from, $lt: to } }, { slotStart: 1 }).lean();
    const taken = new Map<number, number>();
    for (const s of seats) taken.set(s.slotStart.getTime(), (taken.get(s.slotStart.getTime()) ?? 0) + 1);
    const slots = grid.map((slot) => {
      const capacity = capacityOf(slot, engineers, busy.filter((b) => !b.bookedInto || b.bookedInto !== slot.start.getTime()), this.d.config.bufferMs);
      return { start: slot.start.toISOString(), end: slot.end.toISOString(), capacity, free: Math.max(0, capacity - (taken.get(slot.start.getTime()) ?? 0)) };
    });
    return { team, timeZone, slotMinutes: Math.round(this.d.config.slotMs / 60_000), model: model ?? null, slots: slots.filter((s) => s.free > 0) };
  }

  /** Books a slot: seat, ticket, `scheduled` work order. 409 `slot_taken` when no seat is left. */
  async book(input: BookInput, by: Booker): Promise<AppointmentDoc> {
    const unit = await this.unitFor(input.unitId, by);
    const customer = await this.d.customers.get(String(unit.customerId));
    const slot = await this.slotAt(FIELD_TEAM, input.slotStart);
    // the customer's row names the appointment before it is stored (LookupRows): the portal reads it by key
    const _id = new Types.ObjectId();
    await this.rows.add(customerKey(customer._id), _id);
    const appointment = await this.d.models.Appointment.create({
      _id,
      customerId: customer._id,
      unitId: unit._id,
      model: unit.model,
      team: FIELD_TEAM,
      kind: input.kind,
      address: input.address,
      slotStart: slot.start,
      slotEnd: slot.end,
      status: 'booking',
      locale: customer.locale ?? 'en',
      bookedBy: this.actor(by, customer),
    });
    const seat = await this.claim(FIELD_TEAM, slot, appointment._id);
    if (!seat) {
      await this.d.models.Appointment.updateOne({ _id: appointment._id }, { $set: { status: 'failed' } });
      throw new ConflictError('This time was just booked by someone else; choose another', 'slot_taken');
    }
    try {
      const opened = await this.d.inbound.receive({
        channel: 'web',
        customer: { name: customer.name, email: customer.emails[0] ?? null, phone: customer.phones[0] ?? null, locale: customer.locale as Locale },
        customerId: customer._id,
        author: by.kind === 'customer' ? { type: 'customer', name: customer.name } : { type: 'agent', id: by.principal.id, name: by.principal.name },
        open: { key: `appointment:${appointment._id}`, subject: `${input.kind === 'maintenance' ? 'Maintenance' : 'Service'} visit: ${unit.model} ${unit.serial}`, team: FIELD_TEAM, type: input.kind === 'repair' ? 'fault' : 'inquiry', product: { model: unit.model, serial: unit.serial } },
        message: { body: input.note?.trim() || `Booked a ${input.kind} visit for ${slot.start.toISOString()}`, dedupeKey: `appointment:${appointment._id}` },
      });
      const wo = await this.d.workOrders.create(
        opened.ticket.number,
        { kind: input.kind, description: input.note?.trim() || `${input.kind} (booked by the customer)`, address: input.address, unitId: String(unit._id), window: { start: slot.start, end: slot.end }, team: FIELD_TEAM },
        by.kind === 'agent' ? by.principal : this.system,
      );
      const booked = await this.d.models.Appointment.findOneAndUpdate(
        { _id: appointment._id },
        { $set: { status: 'booked', seat, ticketNumber: opened.ticket.number, ticketId: opened.ticket._id, workOrderId: wo._id, workOrderNumber: wo.number }, $inc: { rev: 1 } },
        { new: true },
      );
      await this.d.onChange(booked!, 'booked');
      return booked!;
    } catch (err) {
      // the seat goes back: nothing was booked
      await this.d.models.Seat.deleteOne({ _id: seat, appointmentId: appointment._id });
      await this.d.models.Appointment.updateOne({ _id: appointment._id }, { $set: { status: 'failed' } });
      throw err;
    }
  }

  /** Moves a booked visit to another slot (until the cutoff before the current one). */
  async reschedule(id: string, slotStart: Date, by: Booker): Promise<AppointmentDoc> {
    const a = await this.mine(id, by);
    this.assertBeforeCutoff(a, by);
    const slot = await this.slotAt(a.team, slotStart);
    if (slot.start.getTime() === a.slotStart.getTime()) return a;
    const seat = await this.claim(a.team, slot, a._id);
    if (!seat) throw new ConflictError('This time was just booked by someone else; choose another', 'slot_taken');
    try {
      await this.d.workOrders.patch(String(a.workOrderId), { window: { start: slot.start, end: slot.end }, rescheduledBy: 'customer' }, by.kind === 'agent' ? by.principal : this.system);
    } catch (err) {
      await this.d.models.Seat.deleteOne({ _id: seat, appointmentId: a._id });
      throw err;
    }
    const moved = await this.d.models.Appointment.findOneAndUpdate({ _id: a._id, rev: a.rev }, { $set: { slotStart: slot.start, slotEnd: slot.end, seat, remindedFor: null }, $inc: { rev: 1 } }, { new: true });
    if (a.seat) await this.d.models.Seat.deleteOne({ _id: a.seat, appointmentId: a._id });
    if (!moved) throw new ConflictError('The appointment changed meanwhile; reload and try again', 'busy');
    await this.d.onChange(moved, 'moved');
    return moved;
  }

  /** Cancels a booked visit (until the cutoff): the work order is cancelled and the seat freed. */
  async cancel(id: string, by: Booker): Promise<AppointmentDoc> {
    const a = await this.mine(id, by);
    if (a.status === 'cancelled') return a;
    this.assertBeforeCutoff(a, by);
    if (a.workOrderId) {
      const wo = await this.d.workOrders.byId(String(a.workOrderId));
      if (wo && !DONE.includes(wo.status)) await this.d.workOrders.step(String(a.workOrderId), { type: 'cancel', reason: 'customer_cancelled', clientId: `appointment-cancel-${a._id}` }, by.kind === 'agent' ? by.principal : this.system);
    }
    const cancelled = await this.d.models.Appointment.findOneAndUpdate({ _id: a._id, status: 'booked' }, { $set: { status: 'cancelled' }, $inc: { rev: 1 } }, { new: true });
    if (a.seat) await this.d.models.Seat.deleteOne({ _id: a.seat, appointmentId: a._id });
    if (cancelled) await this.d.onChange(cancelled, 'cancelled');
    return cancelled ?? (await this.d.models.Appointment.findById(a._id))!;
  }

  /**
   * Seats whose booking never finished (a crash between the seat and the work order) go back after
   * a grace period; a seat of a booked appointment stays.
   */
  async releaseOrphanSeats(): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - 10 * 60_000);
    const seats = await this.d.models.Seat.find({ createdAt: { $lt: before }, slotStart: { $gt: this.d.clock.now() } }, { _id: 1, appointmentId: 1 }).limit(1000).lean();
    if (!seats.length) return 0;
    const owners = new Map((await this.d.models.Appointment.find({ _id: { $in: seats.map((s) => s.appointmentId) } }, { status: 1, seat: 1, createdAt: 1 }).lean()).map((a) => [String(a._id), a]));
    let n = 0;
    for (const s of seats) {
      const a = owners.get(String(s.appointmentId));
      // kept: the seat a booked visit holds, and a booking still under way (a moved visit's old seat goes)
      const kept = a && ((a.status === 'booked' && a.seat === s._id) || (a.status === 'booking' && a.createdAt > before));
      if (!kept) n += (await this.d.models.Seat.deleteOne({ _id: s._id, appointmentId: s.appointmentId })).deletedCount;
    }
    return n;
  }

  /** A customer's appointments, newest slot first. */
  /** The customer's booked and cancelled visits, latest slot first, read by `_id` from the customer's row. */
  async ofCustomer(customerId: string): Promise<AppointmentDoc[]> {
    const found = await this.rows.docs<AppointmentDoc>([customerKey(customerId)], this.d.models.Appointment, (a) => String(a.customerId) === customerId && (a.status === 'booked' || a.status === 'cancelled'));
    return found
      .sort((a, b) => b.slotStart.getTime() - a.slotStart.getTime())
      .slice(0, 50);
  }

  /** Once per database: appointments stored before the customers' rows existed are named in them. */
  async backfill(): Promise<number> {
    return oncePerDatabase(this.d.Counter, BACKFILL_MARK, async () => {
      const groups = await idsBy(this.d.models.Appointment, 'customerId');
      await this.rows.addAll(groups.map((g) => ({ key: customerKey(g._id), ids: g.ids })));
      return groups.length;
    });
  }

  async byId(id: string): Promise<AppointmentDoc | null> {
    return Types.ObjectId.isValid(id) ? this.d.models.Appointment.findById(id) : null;
  }

  /** Whether a customer may still move or cancel this visit themselves. */
  changeable(a: Pick<AppointmentDoc, 'status' | 'slotStart'>): boolean {
    return a.status === 'booked' && a.slotStart.getTime() - this.d.clock.now().getTime() >= this.d.config.cutoffMs;
  }

  get cutoffHours(): number {
    return Math.round(this.d.config.cutoffMs / 3600_000);
  }

  // ---- internals -----------------------------------------------------------------------------

  private assertBeforeCutoff(a: AppointmentDoc, by: Booker): void {
    if (a.status !== 'booked') throw new ConflictError(`This appointment is ${a.status}`, 'invalid_transition');
    // an agent may still move a visit on the phone; the customer's own cutoff is the config's
    if (by.kind === 'customer' && !this.changeable(a)) throw new ConflictError(`A visit can be changed up to ${this.cutoffHours} hours before it starts`, 'cutoff_passed');
  }

  private async mine(id: string, by: Booker): Promise<AppointmentDoc> {
    const a = await this.byId(id);
    if (!a || (by.kind === 'customer' && String(a.customerId) !== by.customerId)) throw new NotFoundError('Appointment');
    if (by.kind === 'agent') this.assertAgent(by.principal);
    return a;
  }

  private assertAgent(p: Principal): void {
    if (!p.canSeeTeam(FIELD_TEAM)) throw new AppError(403, 'forbidden', `Only agents of team ${FIELD_TEAM} and managers book visits for customers`);
  }

  private async unitFor(unitId: string, by: Booker): Promise<UnitDoc> {
    const unit = Types.ObjectId.isValid(unitId) ? await this.d.units.find(unitId) : null;
    // another customer's unit answers like a missing one
    if (!unit || (by.kind === 'customer' && String(unit.customerId) !== by.customerId)) throw new NotFoundError('Unit');
    if (by.kind === 'agent') this.assertAgent(by.principal);
    return unit;
  }

  /** The slot of the grid starting at `start`, still in the future (422 `not_a_slot` otherwise). */
  private async slotAt(team: string, start: Date): Promise<Slot> {
    const { timeZone, calendar } = await this.d.hours(team);
    const from = new Date(start.getTime() - 24 * 3600_000);
    const to = new Date(start.getTime() + 24 * 3600_000);
    const slot = slotGrid(calendar, timeZone, from, to, this.d.config.slotMs, this.d.clock.now()).find((s) => s.start.getTime() === start.getTime());
    if (!slot) throw new AppError(422, 'not_a_slot', 'slotStart is not the start of a bookable slot (see GET /api/appointments/slots)');
    return slot;
  }

  /** Claims the first free seat of a slot by inserting its key; null when the capacity is used up. */
  private async claim(team: string, slot: Slot, appointmentId: Types.ObjectId): Promise<string | null> {
    const { timeZone } = await this.d.hours(team);
    const engineers = await this.engineers(team);
    const busy = (await this.busy(team, timeZone, slot.start, slot.end)).filter((b) => b.bookedInto !== slot.start.getTime());
    const capacity = capacityOf(slot, engineers, busy, this.d.config.bufferMs);
    for (let n = 0; n < capacity; n++) {
      const _id = seatKey(team, slot.start, n);
      try {
        await this.d.models.Seat.create({ _id, team, slotStart: slot.start, appointmentId });
        return _id;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    }
    return null;
  }

  private async engineers(team: string): Promise<string[]> {
    const list = await this.d.Agent.find({ role: 'engineer', teams: team, active: true }, { _id: 1 }).lean();
    return list.map((a) => String(a._id));
  }

  /**
   * Engineers' booked windows around [from, to) (a day either side for the buffer), from the work
   * order lookup rows of those days. `bookedInto`: the slot start a booked visit holds a seat of.
   */
  private async busy(team: string, timeZone: string, from: Date, to: Date): Promise<(BusyWindow & { bookedInto?: number })[]> {
    const ids: Types.ObjectId[] = [];
    for (let t = from.getTime() - 24 * 3600_000; t < to.getTime() + 24 * 3600_000; t += 24 * 3600_000) ids.push(...(await this.d.workOrdersOnDay(team, new Date(t), timeZone)));
    if (!ids.length) return [];
    const list: WorkOrderDoc[] = await this.d.WorkOrder.find({ _id: { $in: ids }, team, engineerId: { $ne: null }, status: { $nin: DONE } }, { engineerId: 1, window: 1 });
    const seatsOf = await this.d.models.Appointment.find({ workOrderId: { $in: list.map((w) => w._id) }, status: 'booked' }, { workOrderId: 1, slotStart: 1 }).lean();
    const booked = new Map(seatsOf.map((a) => [String(a.workOrderId), a.slotStart.getTime()]));
    return list
      .filter((w) => w.window?.start && w.window.end)
      .map((w) => ({ engineerId: String(w.engineerId), start: w.window!.start!, end: w.window!.end!, bookedInto: booked.get(String(w._id)) }));
  }

  private actor(by: Booker, customer: CustomerDoc): Actor {
    return by.kind === 'customer' ? { type: 'customer', id: String(customer._id), name: customer.name } : { type: 'agent', id: by.principal.id, name: by.principal.name };
  }
}
