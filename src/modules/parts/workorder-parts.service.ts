import { randomBytes } from 'node:crypto';
import { SYSTEM, type Actor } from '../../core/types';
import { AppError, ConflictError, ForbiddenError, ValidationError } from '../../errors';
import type { Logger } from '../../logger';
import type { Principal } from '../auth/principal';
import { canDispatch } from '../workorders/workorders.access';
import type { WorkOrderDoc } from '../workorders/workorders.model';
import type { PartsLedger, UsedPart } from '../workorders/workorders.seams';
import type { WorkOrderService } from '../workorders/workorders.service';
import type { MoveDoc, MoveModel } from './parts.model';
import type { OldPartService } from './old-parts.service';
import type { PartService } from './parts.service';
import { StockLedger } from './stock.ledger';
import { vanOf, type StockService } from './stock.service';

const FINAL = ['completed', 'cannot_complete', 'cancelled'];
const CENTRAL = 'central';

export interface Reservation {
  sku: string;
  location: string;
  reserved: number;
  consumed: number;
  released: number;
  open: number;
}

export interface WorkOrderPartsDeps {
  Move: MoveModel;
  workOrders: Pick<WorkOrderService, 'visible' | 'byId' | 'step'>;
  parts: Pick<PartService, 'get' | 'bySkus'>;
  stock: Pick<StockService, 'apply' | 'row'>;
  ledger: Pick<StockLedger, 'post'>;
  oldParts: Pick<OldPartService, 'expect'>;
  log: Logger;
}

const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.id, name: p.name });
const woRef = (wo: WorkOrderDoc) => ({ id: String(wo._id), number: wo.number });

/**
 * The parts of a work order: reservations (the engineer's van first, else central), consumption
 * by the service report (what this work order reserved first, then what is available), release
 * of what is left when the work order ends. All of it is moves of the ledger keyed by the work
 * order, so what a work order holds is read back from the ledger, and every step has a ref that
 * makes a retry a no-op.
 */
export class WorkOrderParts implements PartsLedger {
  constructor(private readonly d: WorkOrderPartsDeps) {}

  async reserve(id: string, input: { sku: string; qty: number; location?: string; ref?: string }, p: Principal): Promise<{ move: MoveDoc; replayed: boolean }> {
    const wo = await this.d.workOrders.visible(id, p);
    const mine = !!wo.engineerId && String(wo.engineerId) === p.id;
    if (!mine && !canDispatch(p, wo.team)) throw new ForbiddenError('Parts are reserved by the engineer of the work order or its dispatchers');
    if (FINAL.includes(wo.status)) throw new ConflictError(`Work order ${wo.number} is ${wo.status}`, 'invalid_transition');
    await this.d.parts.get(input.sku);
    const ref = `wo:${id}:reserve:${input.ref ?? randomBytes(8).toString('hex')}`;
    let location = input.location;
    if (!location) {
      const van = wo.engineerId ? vanOf(String(wo.engineerId)) : null;
      location = van && (await this.d.stock.row(input.sku, van)).available >= input.qty ? van : CENTRAL;
    }
    return this.d.stock.apply({ ref, sku: input.sku, qty: input.qty, reason: 'reserve', from: { location, condition: 'new' }, workOrder: woRef(wo), by: actorOf(p) });
  }

  /** What the work order holds, by sku and location, read back from its moves in the ledger. */
  async reservations(id: string, p?: Principal): Promise<Reservation[]> {
    if (p) await this.d.workOrders.visible(id, p);
    return summarize(await this.movesOf(id));
  }

  /** PartsLedger (workorders.seams.ts): the filed report consumes what it lists, then the rest is released. */
  async consume(workOrder: { id: string; number: string; engineerId: string | null }, parts: UsedPart[], ref: string): Promise<void> {
    const wo = await this.d.workOrders.byId(workOrder.id);
    if (!wo) return;
    const moves = await this.movesOf(workOrder.id);
    const open = new Map(summarize(moves).map((r) => [`${r.sku}|${r.location}`, r.open]));
    const van = workOrder.engineerId ? vanOf(workOrder.engineerId) : null;
    const catalogue = await this.d.parts.bySkus(parts.map((x) => x.sku));
    for (const [i, line] of parts.entries()) {
      const prefix = `${ref}:${i}:`;
      // a retried report: what this line consumed already counts
      let remaining = line.qty - moves.filter((m) => m.ref.startsWith(prefix) && m.state === 'applied').reduce((n, m) => n + m.qty, 0);
      const held = [...open.entries()].filter(([k, n]) => k.startsWith(`${line.sku}|`) && n > 0).sort(([a], [b]) => Number(b.endsWith(`|${van}`)) - Number(a.endsWith(`|${van}`)));
      for (const [key, n] of held) {
        if (remaining <= 0) break;
        const location = key.slice(line.sku.length + 1);
        const k = Math.min(n, remaining);
        await this.d.stock.apply({ ref: `${prefix}reserved:${location}`, sku: line.sku, qty: k, reason: 'consume', bucket: 'reserved', from: { location, condition: 'new' }, workOrder, by: SYSTEM });
        open.set(key, n - k);
        remaining -= k;
      }
      for (const location of [van, CENTRAL]) {
        if (remaining <= 0 || !location) continue;
        const k = Math.min(remaining, (await this.d.stock.row(line.sku, location)).available);
        if (k <= 0) continue;
        try {
          await this.d.stock.apply({ ref: `${prefix}available:${location}`, sku: line.sku, qty: k, reason: 'consume', bucket: 'available', from: { location, condition: 'new' }, workOrder, by: SYSTEM });
          remaining -= k;
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'insufficient_stock')) throw err;
        }
      }
      // the part was fitted whatever the books say: the shortfall is logged for the store to adjust
      if (remaining > 0) this.d.log.warn({ workOrder: workOrder.number, sku: line.sku, shortfall: remaining }, 'a report lists more of a part than the stock holds');
      const part = catalogue.get(line.sku);
      if (line.defectiveSerial || part?.returnable !== false) await this.d.oldParts.expect(wo, { id: `${ref}:${i}`, sku: line.sku, qty: line.qty, defectiveSerial: line.defectiveSerial ?? null });
    }
    await this.releaseAll(wo);
  }

  /** Gives back what the work order still holds (it ended); once per row, however often it is called. */
  async releaseAll(wo: WorkOrderDoc): Promise<number> {
    let released = 0;
    for (const r of summarize(await this.movesOf(String(wo._id)))) {
      if (r.open <= 0) continue;
      await this.d.stock.apply({ ref: `wo:${wo._id}:release:${r.sku}|${r.location}`, sku: r.sku, qty: r.open, reason: 'release', from: { location: r.location, condition: 'new' }, workOrder: woRef(wo), by: SYSTEM });
      released += r.open;
    }
    return released;
  }

  /** The engineer cannot finish for want of a part: the work order ends `cannot_complete` (part_missing). */
  async partMissing(id: string, input: { sku?: string; note?: string; clientId: string }, p: Principal): Promise<WorkOrderDoc> {
    if (input.sku) await this.d.parts.get(input.sku);
    const note = [input.sku, input.note].filter(Boolean).join(': ') || undefined;
    if (note && note.length > 2000) throw new ValidationError('note is too long', [{ path: 'note', message: 'at most 2000 characters' }]);
    const { wo } = await this.d.workOrders.step(id, { type: 'cannot_complete', reason: 'part_missing', note, clientId: input.clientId }, p);
    return wo;
  }

  private movesOf(workOrderId: string): Promise<MoveDoc[]> {
    return this.d.Move.find({ workOrderId, reason: { $in: ['reserve', 'consume', 'release'] } }).sort({ createdAt: 1, _id: 1 });
  }
}

/** Open reservations per sku and location from a work order's applied moves (reserved +, consumed and released −). */
export function summarize(moves: MoveDoc[]): Reservation[] {
  const out = new Map<string, Reservation>();
  for (const m of moves) {
    if (m.state !== 'applied') continue;
    for (const leg of m.legs) {
      const key = `${leg.sku}|${leg.location}`;
      const r = out.get(key) ?? { sku: leg.sku, location: leg.location, reserved: 0, consumed: 0, released: 0, open: 0 };
      if (m.reason === 'reserve') r.reserved += leg.delta.reserved;
      else if (m.reason === 'release') r.released -= leg.delta.reserved;
      else if (m.reason === 'consume') r.consumed -= leg.delta.onHand;
      r.open += leg.delta.reserved;
      out.set(key, r);
    }
  }
  return [...out.values()];
}
