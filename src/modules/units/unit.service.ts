import { Types } from 'mongoose';
import { AppError, ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../../errors';
import type { Clock } from '../../infra/clock';
import { LookupRows } from '../../infra/lookup-rows';
import type { Principal } from '../auth/principal';
import type { CustomerDoc } from '../customers/customer.model';
import { termsOf, type ProductService } from '../products/product.service';
import type { Actor } from '../../core/types';
import { normalizeSerial, type UnitDoc, type UnitHistoryFields, type UnitModels } from './unit.model';
import type { UnitView } from './unit.schemas';
import { serializeUnit } from './unit.serialize';
import { warrantyOf, type Warranty, type WarrantyStatus } from './warranty';

/** The team of warranty technicians (三包技术员): its members and leads decide warranty disputes. */
export const WARRANTY_TEAM = 'warranty';

/** Who may override a warranty decision: members and leads of team `warranty`, managers, directors, admins. */
export function mayDecideWarranty(p: Principal): boolean {
  return p.seesAllTeams || p.teams.includes(WARRANTY_TEAM);
}

export interface RegisterUnitInput {
  model: string;
  serial: string;
  purchaseDate: Date | null;
  purchasedFrom?: string | null;
  warrantyUntil?: Date | null;
  /** custom field values (`null` clears one), checked by `UnitFieldCheck` */
  fields?: Record<string, unknown>;
}

/** The check of a unit's custom field values (the fields module's `unitFields`): their stored forms, or 422 `invalid_fields` naming each. */
export interface UnitFieldCheck {
  unitFields(values: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface RegisterOptions {
  /** makes registration idempotent: a second registration with the same key answers the first unit */
  originKey?: string;
  /** records migrated from customers' products may name models the catalogue lacks */
  allowUnknownModel?: boolean;
  replaces?: Types.ObjectId | null;
  history?: { action: UnitHistoryFields['action']; changes?: Record<string, unknown> };
}

export interface UnitServiceDeps {
  models: UnitModels;
  products: ProductService;
  customers: { get(id: string | Types.ObjectId): Promise<CustomerDoc> };
  clock: Clock;
  /** the organisation's time zone, in which warranty days are counted */
  timeZone: string;
  /** custom fields of units; without it a write that carries field values is refused */
  fields?: UnitFieldCheck | null;
}

const SERIAL_KEY = (serial: string) => `serial:${normalizeSerial(serial)}`;
const CUSTOMER_KEY = (id: Types.ObjectId | string) => `customer:${String(id)}`;
/** a purchase date this far ahead of the clock is a typo, not a time-zone difference */
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;

/** Units: the products customers own, by serial (unique per model), with their warranty (三包). */
export class UnitService {
  private readonly rows: LookupRows;

  constructor(private readonly d: UnitServiceDeps) {
    this.rows = new LookupRows(d.models.UnitIndex);
  }

  get timeZone(): string {
    return this.d.timeZone;
  }

  private get Unit() {
    return this.d.models.Unit;
  }

  // ---- reading -------------------------------------------------------------------------------

  async find(id: string | Types.ObjectId): Promise<UnitDoc | null> {
    if (!Types.ObjectId.isValid(String(id))) return null;
    return this.Unit.findById(id);
  }

  async byId(id: string | Types.ObjectId): Promise<UnitDoc> {
    const u = await this.find(id);
    if (!u) throw new NotFoundError('Unit');
    return u;
  }

  /** Units with this serial (one per model at most), optionally of one model; read through the serial's lookup row. */
  async bySerial(serial: string, model?: string): Promise<UnitDoc[]> {
    const s = normalizeSerial(serial);
    if (!s) return [];
    const ids = await this.rows.ids([SERIAL_KEY(s)]);
    if (!ids.length) return [];
    const units = await this.Unit.find({ _id: { $in: ids } });
    return units.filter((u) => u.serial === s && (!model || u.model === model)).sort((a, b) => a.model.localeCompare(b.model));
  }

  /** The units a customer owns, oldest registration first (a merged record answers for the one it went into; 404 for none). */
  async ofCustomer(customerId: string | Types.ObjectId): Promise<UnitDoc[]> {
    return this.unitsOf((await this.d.customers.get(customerId))._id);
  }

  private async unitsOf(customerId: Types.ObjectId): Promise<UnitDoc[]> {
    const units = await this.rows.docs<UnitDoc>([CUSTOMER_KEY(customerId)], this.Unit, (u) => String(u.customerId) === String(customerId));
    return units.sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
  }

  // ---- warranty ------------------------------------------------------------------------------

  /** The warranty of a unit now (or at `now`), under its model's current terms. */
  async warrantyOf(unit: UnitDoc, now: Date = this.d.clock.now()): Promise<Warranty> {
    const product = await this.d.products.find(unit.model);
    return this.judge(unit, product ? termsOf(product) : null, now);
  }

  /** Warranties of many units with one catalogue read. */
  async warranties(units: UnitDoc[], now: Date = this.d.clock.now()): Promise<Map<string, Warranty>> {
    const products = await this.d.products.byModels(units.map((u) => u.model));
    return new Map(units.map((u) => {
      const p = products.get(u.model);
      return [String(u._id), this.judge(u, p ? termsOf(p) : null, now)];
    }));
  }

  /** The API view of units: catalogue names and warranties with one catalogue read. */
  async views(units: UnitDoc[], now: Date = this.d.clock.now()): Promise<UnitView[]> {
    const products = await this.d.products.byModels(units.map((u) => u.model));
    return units.map((u) => {
      const p = products.get(u.model);
      return serializeUnit(u, this.judge(u, p ? termsOf(p) : null, now), p);
    });
  }

  async view(unit: UnitDoc): Promise<UnitView> {
    return (await this.views([unit]))[0];
  }

  private judge(unit: UnitDoc, terms: ReturnType<typeof termsOf> | null, now: Date): Warranty {
    const o = unit.override;
    return warrantyOf(
      {
        purchaseDate: unit.purchaseDate ?? null,
        warrantyUntil: unit.warrantyUntil ?? null,
        terms,
        override: o?.status ? { status: o.status as WarrantyStatus, reason: o.reason, by: { id: o.by?.id ?? '', name: o.by?.name ?? '' }, at: o.at ?? now } : null,
      },
      now,
      this.d.timeZone,
    );
  }

  /**
   * A warranty decision that replaces the computed one (`status: null` returns to the rule), with a
   * mandatory reason; only warranty technicians, their leads and managers; kept in the unit's history.
   */
  async setOverride(id: string | Types.ObjectId, input: { status: WarrantyStatus | null; reason: string }, principal: Principal): Promise<UnitDoc> {
    if (!mayDecideWarranty(principal)) throw new ForbiddenError('Only the warranty team (三包), its supervisors and managers decide warranty');
    const unit = await this.byId(id);
    const before = unit.override?.status ?? null;
    const now = this.d.clock.now();
    const by = { id: principal.id, name: principal.name };
    const update = input.status ? { $set: { override: { status: input.status, reason: input.reason, by, at: now } } } : { $set: { override: null } };
    const updated = await this.Unit.findOneAndUpdate({ _id: unit._id }, update, { new: true });
    if (!updated) throw new NotFoundError('Unit');
    await this.record(updated._id, input.status ? 'warranty_override' : 'warranty_override_cleared', { type: 'agent', id: principal.id, name: principal.name }, { status: [before, input.status] }, input.reason);
    return updated;
  }

  // ---- registration --------------------------------------------------------------------------

  /** Registers a unit on a customer; the serial is unique per model (409 `duplicate_serial`). */
  async register(customerId: string | Types.ObjectId, input: RegisterUnitInput, actor: Actor, opts: RegisterOptions = {}): Promise<UnitDoc> {
    const customer = await this.d.customers.get(customerId);
    const serial = normalizeSerial(input.serial);
    if (!serial) throw new AppError(422, 'invalid_serial', 'A serial number is needed');
    if (!opts.allowUnknownModel && !(await this.d.products.find(input.model))) {
      throw new AppError(422, 'unknown_model', `The catalogue has no model ${input.model}; a manager adds it under products first`);
    }
    if (input.purchaseDate && input.purchaseDate.getTime() > this.d.clock.now().getTime() + FUTURE_TOLERANCE_MS) {
      throw new AppError(422, 'purchase_in_future', 'The purchase date lies in the future');
    }
    const fields = input.fields && Object.keys(input.fields).length ? dropNulls(await this.checkFields(input.fields)) : {};
    if (opts.originKey) {
      const same = await this.Unit.findOne({ originKey: opts.originKey });
      if (same) return same;
    }
    if (await this.Unit.exists({ model: input.model, serial })) throw duplicateSerial(input.model, serial);

    const _id = new Types.ObjectId();
    // lookup rows first: a crash after them leaves an id that resolves to nothing, never an unfindable unit
    await this.rows.add(SERIAL_KEY(serial), _id);
    await this.rows.add(CUSTOMER_KEY(customer._id), _id);
    let unit: UnitDoc;
    try {
      unit = await this.Unit.create({
        _id,
        customerId: customer._id,
        model: input.model,
        serial,
        purchaseDate: input.purchaseDate,
        purchasedFrom: input.purchasedFrom ?? null,
        warrantyUntil: input.warrantyUntil ?? null,
        replaces: opts.replaces ?? null,
        fields,
        ...(opts.originKey ? { originKey: opts.originKey } : {}),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      await this.rows.remove(_id, [SERIAL_KEY(serial), CUSTOMER_KEY(customer._id)]);
      const same = opts.originKey ? await this.Unit.findOne({ originKey: opts.originKey }) : null;
      if (same) return same; // lost a race with the same registration
      throw duplicateSerial(input.model, serial);
    }
    const h = opts.history ?? { action: 'registered' as const };
    await this.record(unit._id, h.action, actor, { customerId: String(customer._id), model: unit.model, serial, ...h.changes });
    return unit;
  }

  // ---- custom fields -------------------------------------------------------------------------

  /** Sets a unit's custom fields (`null` clears one), each checked against its definition; recorded in the unit's history. */
  async setFields(id: Types.ObjectId, values: Record<string, unknown>, actor: Actor): Promise<UnitDoc> {
    const checked = await this.checkFields(values);
    const unit = await this.byId(id);
    const current = (unit.fields ?? {}) as Record<string, unknown>;
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, ''> = {};
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [key, value] of Object.entries(checked)) {
      if (String(current[key] ?? null) === String(value ?? null)) continue;
      if (value === null) $unset[`fields.${key}`] = '';
      else $set[`fields.${key}`] = value;
      changes[key] = [current[key] ?? null, value];
    }
    if (!Object.keys(changes).length) return unit;
    const updated = await this.Unit.findOneAndUpdate({ _id: unit._id }, { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) }, { new: true });
    if (!updated) throw new NotFoundError('Unit');
    await this.record(updated._id, 'fields_changed', actor, { fields: changes });
    return updated;
  }

  private async checkFields(values: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.d.fields) return this.d.fields.unitFields(values);
    const keys = Object.keys(values);
    throw new UnprocessableError(`Unknown field ${keys[0]}`, 'invalid_fields', keys.map((field) => ({ field, code: 'unknown', message: 'no such field' })));
  }

  // ---- links ---------------------------------------------------------------------------------

  /** Remembers that ticket `number` is about this unit (the unit's history of tickets). */
  async noteTicket(unitId: Types.ObjectId | string, number: number): Promise<void> {
    await this.Unit.updateOne({ _id: unitId }, { $addToSet: { tickets: number } });
  }

  /** Reserves the unit for one return at a time: false when another return is in progress. */
  async claimForReturn(unitId: Types.ObjectId, returnId: Types.ObjectId): Promise<boolean> {
    const r = await this.Unit.updateOne({ _id: unitId, $or: [{ openReturnId: null }, { openReturnId: returnId }] }, { $set: { openReturnId: returnId } });
    return r.matchedCount === 1;
  }

  async releaseReturn(unitId: Types.ObjectId, returnId: Types.ObjectId): Promise<void> {
    await this.Unit.updateOne({ _id: unitId, openReturnId: returnId }, { $set: { openReturnId: null } });
  }

  /** An exchange (换货): the old unit points to its replacement. */
  async markReplaced(oldId: Types.ObjectId, newId: Types.ObjectId, actor: Actor, changes: Record<string, unknown>): Promise<void> {
    const r = await this.Unit.updateOne({ _id: oldId, replacedBy: null }, { $set: { replacedBy: newId } });
    if (r.modifiedCount) await this.record(oldId, 'replaced', actor, { replacedBy: String(newId), ...changes });
  }

  /** A customer merged into another: their units move along. */
  async moveCustomer(from: Types.ObjectId, into: Types.ObjectId, actor: Actor): Promise<void> {
    const units = await this.unitsOf(from);
    if (!units.length) return;
    for (const u of units) await this.rows.add(CUSTOMER_KEY(into), u._id);
    await this.Unit.updateMany({ _id: { $in: units.map((u) => u._id) } }, { $set: { customerId: into } });
    for (const u of units) await this.record(u._id, 'customer_merged', actor, { customerId: [String(from), String(into)] });
  }

  async history(unitId: Types.ObjectId) {
    const rows = await this.d.models.UnitHistory.find({ unitId }).sort({ at: 1, _id: 1 }).lean();
    return rows.map((r) => ({ action: r.action, actor: { type: r.actor.type, id: r.actor.id ?? null, name: r.actor.name }, changes: r.changes, reason: r.reason ?? null, at: r.at.toISOString() }));
  }

  // ---- internals -----------------------------------------------------------------------------

  private async record(unitId: Types.ObjectId, action: UnitHistoryFields['action'], actor: Actor, changes: Record<string, unknown>, reason: string | null = null): Promise<void> {
    await this.d.models.UnitHistory.create({ unitId, action, actor: { type: actor.type, id: actor.id ?? null, name: actor.name }, changes, reason, at: this.d.clock.now() });
  }
}

const dropNulls = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));

function duplicateSerial(model: string, serial: string): ConflictError {
  return new ConflictError(`A ${model} with serial ${serial} is registered already`, 'duplicate_serial', { model, serial });
}
