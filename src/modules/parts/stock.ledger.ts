import { Types } from 'mongoose';
import type { Actor } from '../../core/types';
import { ConflictError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import { type Condition, type Delta, type Leg, type MoveDoc, type MoveModel, type MoveReason, rowId, type StockRowModel } from './parts.model';

export interface Place {
  location: string;
  condition: Condition;
}

export interface MoveInput {
  ref: string;
  sku: string;
  qty: number;
  reason: MoveReason;
  from?: Place | null;
  to?: Place | null;
  /** reserve, release and consume: which bucket of the row (consume: `reserved` or `available`) */
  bucket?: 'reserved' | 'available';
  note?: string | null;
  workOrder?: { id: string; number: string } | null;
  oldPartId?: string | null;
  by: Actor;
}

export interface LedgerDeps {
  Move: MoveModel;
  StockRow: StockRowModel;
  clock: Clock;
  log: Logger;
}

/** A pending move older than this is the sweeper's (its request died); younger ones are still being applied. */
export const SWEEP_GRACE_MS = 30_000;
/** how long a row remembers a move it applied (any driver of that move has long finished by then) */
export const REMEMBER_MS = 3600_000;

const ZERO: Delta = { onHand: 0, reserved: 0, available: 0 };

/**
 * The stock ledger. No transactions on the embedded store, so a move is written in steps, each one
 * a single-document write that is safe to repeat:
 *
 * 1. the move is inserted `pending` with its legs (the rows it changes and by how much); its
 *    unique `ref` makes a repeated request find the first move instead of making a second;
 * 2. each leg is applied to its row with one conditional `findOneAndUpdate`: the guard
 *    (`available >= qty` for a debit) and `applied != moveId` in the filter, `$inc` of the delta
 *    and `$push applied: moveId` in the update — so a leg is applied at most once however often
 *    it is driven, and stock never goes below zero; the debit leg comes first, so a refused
 *    guard means nothing was applied and the move is `rejected` (409 insufficient_stock);
 * 3. the leg is marked `done` in the move, and when all are, the move turns `applied`.
 *
 * A crash between any two steps leaves a `pending` move; the sweeper drives it again (a leg whose
 * row already lists the move is only marked done), or rejects it when its debit cannot be met
 * any more. Rows forget a move id an hour after it was applied.
 */
export class StockLedger {
  constructor(private readonly d: LedgerDeps) {}

  /** Posts a move (idempotent by ref): the applied move, or 409 insufficient_stock; a repeated ref answers the first result. */
  async post(input: MoveInput): Promise<{ move: MoveDoc; replayed: boolean }> {
    const legs = legsOf(input);
    let move: MoveDoc;
    let replayed = false;
    try {
      move = await this.d.Move.create({
        ref: input.ref,
        sku: input.sku,
        qty: input.qty,
        reason: input.reason,
        from: input.from ?? null,
        to: input.to ?? null,
        legs,
        state: 'pending',
        by: { type: input.by.type, id: input.by.id ?? null, name: input.by.name },
        note: input.note ?? null,
        workOrderId: input.workOrder ? new Types.ObjectId(input.workOrder.id) : null,
        workOrderNumber: input.workOrder?.number ?? null,
        oldPartId: input.oldPartId ?? null,
        createdAt: this.d.clock.now(),
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const first = await this.d.Move.findOne({ ref: input.ref });
      if (!first) throw err;
      if (first.sku !== input.sku || first.qty !== input.qty || first.reason !== input.reason) {
        throw new ConflictError(`The ref ${input.ref} was used for another move (${first.reason} ${first.qty} × ${first.sku})`, 'ref_conflict');
      }
      move = first;
      replayed = true;
    }
    const final = move.state === 'pending' ? await this.drive(move) : move;
    if (final.state === 'rejected') throw insufficient(final);
    return { move: final, replayed };
  }

  /** Applies the legs of a pending move that are not applied yet; answers the move in its final state. */
  async drive(move: MoveDoc): Promise<MoveDoc> {
    for (let i = 0; i < move.legs.length; i++) {
      if (move.legs[i].done) continue;
      if (!(await this.applyLeg(move, i))) {
        const rejected = await this.d.Move.findOneAndUpdate({ _id: move._id, state: 'pending' }, { $set: { state: 'rejected', error: 'insufficient_stock' } }, { new: true });
        return rejected ?? (await this.settled(move));
      }
    }
    const applied = await this.d.Move.findOneAndUpdate({ _id: move._id, state: 'pending' }, { $set: { state: 'applied', appliedAt: this.d.clock.now() } }, { new: true });
    return applied ?? (await this.settled(move));
  }

  /**
   * Another driver settled the move first. If it rejected the move while this one applied a leg
   * (two drivers of one move: a replay racing the sweeper), the legs this move holds are undone.
   */
  private async settled(move: MoveDoc): Promise<MoveDoc> {
    const now = (await this.d.Move.findById(move._id))!;
    if (now.state === 'rejected') await this.undo(now);
    return now;
  }

  private async undo(move: MoveDoc): Promise<void> {
    for (const leg of move.legs) {
      const back = { onHand: -leg.delta.onHand, reserved: -leg.delta.reserved, available: -leg.delta.available };
      await this.d.StockRow.updateOne({ _id: leg.row, applied: move._id }, { $inc: back, $pull: { applied: move._id } });
    }
  }

  /** Applies one leg once; false when its guard refuses (nothing changed). */
  private async applyLeg(move: MoveDoc, i: number): Promise<boolean> {
    const leg = move.legs[i];
    const filter: Record<string, unknown> = { _id: leg.row, applied: { $ne: move._id } };
    let debit = false;
    for (const k of ['onHand', 'reserved', 'available'] as const) {
      if (leg.delta[k] < 0) {
        filter[k] = { $gte: -leg.delta[k] };
        debit = true;
      }
    }
    const update = {
      $inc: { onHand: leg.delta.onHand, reserved: leg.delta.reserved, available: leg.delta.available },
      $push: { applied: move._id },
      $set: { updatedAt: this.d.clock.now() },
      ...(debit ? {} : { $setOnInsert: { sku: leg.sku, location: leg.location, condition: leg.condition } }),
    };
    let row = null;
    try {
      row = await this.d.StockRow.findOneAndUpdate(filter, update, { new: true, upsert: !debit });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err; // the upsert met the row that already lists this move
    }
    if (!row) {
      const current = await this.d.StockRow.findById(leg.row, { applied: 1 }).lean();
      const already = current?.applied?.some((id) => String(id) === String(move._id));
      if (!already) {
        const fresh = await this.d.Move.findById(move._id, { legs: 1 }).lean();
        if (!fresh?.legs[i]?.done) return false;
      }
    }
    await this.d.Move.updateOne({ _id: move._id }, { $set: { [`legs.${i}.done`]: true } });
    move.legs[i].done = true;
    return true;
  }

  /** The sweeper: drives pending moves whose request died, and lets rows forget long-applied moves. */
  async sweep(limit = 200): Promise<{ repaired: number; rejected: number; forgotten: number }> {
    const now = this.d.clock.now().getTime();
    let repaired = 0;
    let rejected = 0;
    const stuck = await this.d.Move.find({ state: 'pending', createdAt: { $lt: new Date(now - SWEEP_GRACE_MS) } }).sort({ createdAt: 1 }).limit(limit);
    for (const m of stuck) {
      const final = await this.drive(m);
      if (final.state === 'applied') repaired++;
      else if (final.state === 'rejected') rejected++;
      this.d.log.warn({ ref: m.ref, state: final.state }, 'stock move repaired by the sweeper');
    }
    const old = await this.d.Move.find({ state: 'applied', forgotten: false, appliedAt: { $lt: new Date(now - REMEMBER_MS) } }, { legs: 1 }).limit(limit).lean();
    for (const m of old) {
      await this.d.StockRow.updateMany({ _id: { $in: m.legs.map((l) => l.row) } }, { $pull: { applied: m._id } });
      await this.d.Move.updateOne({ _id: m._id }, { $set: { forgotten: true } });
    }
    return { repaired, rejected, forgotten: old.length };
  }
}

function insufficient(m: MoveDoc): ConflictError {
  const leg = m.legs[0];
  return new ConflictError(`Not enough ${m.sku} at ${leg?.location ?? '?'} (${leg?.condition ?? ''}) for ${m.reason} of ${m.qty}`, 'insufficient_stock', { sku: m.sku, location: leg?.location, condition: leg?.condition, qty: m.qty, ref: m.ref });
}

const leg = (sku: string, p: Place, delta: Partial<Delta>): Leg => ({ row: rowId(sku, p.location, p.condition), sku, location: p.location, condition: p.condition, delta: { ...ZERO, ...delta }, done: false });

/** The rows a move changes, debit first (validated here: which places each reason needs). */
export function legsOf(m: MoveInput): Leg[] {
  const q = m.qty;
  if (!Number.isSafeInteger(q) || q < 1) throw new ValidationError('qty must be a whole number of at least 1', [{ path: 'qty', message: 'at least 1' }]);
  const need = (p: Place | null | undefined, path: 'from' | 'to'): Place => {
    if (!p) throw new ValidationError(`A ${m.reason} move needs ${path}`, [{ path, message: 'required' }]);
    return p;
  };
  const none = (p: Place | null | undefined, path: 'from' | 'to') => {
    if (p) throw new ValidationError(`A ${m.reason} move has no ${path}`, [{ path, message: 'not allowed' }]);
  };
  const out = (p: Place) => leg(m.sku, p, { onHand: -q, available: -q });
  const into = (p: Place) => leg(m.sku, p, { onHand: q, available: q });
  switch (m.reason) {
    case 'receive':
      none(m.from, 'from');
      return [into(need(m.to, 'to'))];
    case 'transfer': {
      const from = need(m.from, 'from');
      const to = need(m.to, 'to');
      if (from.location === to.location && from.condition === to.condition) throw new ValidationError('A transfer goes somewhere else', [{ path: 'to', message: 'same as from' }]);
      return [out(from), into(to)];
    }
    case 'adjust':
      if (!!m.from === !!m.to) throw new ValidationError('An adjustment either adds (to) or removes (from)', [{ path: 'to', message: 'from or to, one of them' }]);
      return m.to ? [into(m.to)] : [out(m.from!)];
    case 'scrap':
      none(m.to, 'to');
      return [out(need(m.from, 'from'))];
    case 'return_defective': {
      const to = need(m.to, 'to');
      if (to.condition !== 'defective') throw new ValidationError('A defective part goes back as defective', [{ path: 'to.condition', message: 'defective' }]);
      return m.from ? [out(m.from), into(to)] : [into(to)];
    }
    case 'reserve':
      return [leg(m.sku, need(m.from, 'from'), { reserved: q, available: -q })];
    case 'release':
      return [leg(m.sku, need(m.from, 'from'), { reserved: -q, available: q })];
    case 'consume':
      return [leg(m.sku, need(m.from, 'from'), m.bucket === 'reserved' ? { onHand: -q, reserved: -q } : { onHand: -q, available: -q })];
  }
}
