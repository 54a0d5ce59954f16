import { Types } from 'mongoose';
import { hasRole, ROLE_SETS, type Actor } from '../../core/types';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { Condition, MoveDoc, MoveModel, StockRowFields, StockRowModel } from './parts.model';
import type { MoveView, StockRowView } from './parts.schemas';
import type { PartService } from './parts.service';
import type { MoveInput, Place, StockLedger } from './stock.ledger';

/** the teams whose members keep the store (logistics, returns and the warranty technicians) besides leads */
export const STORE_TEAMS = ['returns', 'warranty'];

export interface StoreMoveInput {
  ref: string;
  sku: string;
  qty: number;
  reason: 'receive' | 'transfer' | 'adjust' | 'scrap' | 'return_defective';
  from?: Place;
  to?: Place;
  note?: string;
  oldPartId?: string;
}

export interface StockServiceDeps {
  StockRow: StockRowModel;
  Move: MoveModel;
  Agent: AgentModel;
  parts: Pick<PartService, 'get'>;
  ledger: StockLedger;
  /** what follows an applied move (a returned defective part closes its old-part line) */
  afterApplied: (move: MoveDoc) => Promise<void>;
}

export const engineerOf = (location: string): string | null => (location.startsWith('engineer:') ? location.slice('engineer:'.length) : null);
export const vanOf = (engineerId: string) => `engineer:${engineerId}`;
const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.id, name: p.name });

/** Who keeps the store: leads and managers, and the members of the store's teams. */
export function canKeepStore(p: Principal): boolean {
  return hasRole(p.role, ROLE_SETS.leads) || (p.role === 'agent' && p.teams.some((t) => STORE_TEAMS.includes(t)));
}

/** Stock by location and condition, and the moves a storekeeper posts (receive, transfer, adjust, scrap, return_defective). */
export class StockService {
  constructor(private readonly d: StockServiceDeps) {}

  async rows(f: { sku?: string; location?: string; condition?: Condition }): Promise<StockRowFields[]> {
    const q: Record<string, unknown> = {};
    if (f.sku) q.sku = f.sku;
    if (f.location) q.location = f.location;
    if (f.condition) q.condition = f.condition;
    return this.d.StockRow.find(q, { applied: 0 }).sort({ sku: 1, location: 1, condition: 1 }).limit(1000).lean();
  }

  /** One row by its key (zeros when the row was never written). */
  async row(sku: string, location: string, condition: Condition = 'new'): Promise<StockRowView> {
    const r = await this.d.StockRow.findById(`${sku}|${location}|${condition}`, { applied: 0 }).lean();
    return r ? serializeRow(r) : { sku, location, condition, onHand: 0, reserved: 0, available: 0 };
  }

  async post(input: StoreMoveInput, p: Principal): Promise<{ move: MoveDoc; replayed: boolean }> {
    if (!canKeepStore(p)) throw new ForbiddenError('Stock moves are posted by the store: supervisors, managers and the returns and warranty teams');
    await this.d.parts.get(input.sku);
    for (const place of [input.from, input.to]) if (place) await this.checkPlace(place.location);
    return this.apply({ ...input, by: actorOf(p) });
  }

  /** Posts a move through the ledger and runs what follows it (also for replays: the follow-up is idempotent). */
  async apply(input: MoveInput): Promise<{ move: MoveDoc; replayed: boolean }> {
    const result = await this.d.ledger.post(input);
    if (result.move.state === 'applied') await this.d.afterApplied(result.move);
    return result;
  }

  async moves(f: { sku?: string; ref?: string; limit: number }): Promise<MoveDoc[]> {
    if (f.ref) return this.d.Move.find({ ref: f.ref });
    if (!f.sku) throw new ValidationError('Give sku or ref', [{ path: 'sku', message: 'sku or ref' }]);
    return this.d.Move.find({ sku: f.sku }).sort({ createdAt: -1, _id: -1 }).limit(f.limit);
  }

  private async checkPlace(location: string): Promise<void> {
    const engineer = engineerOf(location);
    if (!engineer) return;
    const a = await this.d.Agent.findById(new Types.ObjectId(engineer), { role: 1 }).lean();
    if (!a || a.role !== 'engineer') throw new NotFoundError(`Engineer ${engineer}`);
  }
}

export function serializeRow(r: Pick<StockRowFields, 'sku' | 'location' | 'condition' | 'onHand' | 'reserved' | 'available'>): StockRowView {
  return { sku: r.sku, location: r.location, condition: r.condition, onHand: r.onHand, reserved: r.reserved, available: r.available };
}

export function serializeMove(m: MoveDoc): MoveView {
  return {
    id: String(m._id),
    ref: m.ref,
    sku: m.sku,
    qty: m.qty,
    reason: m.reason,
    from: m.from?.location ? { location: m.from.location, condition: m.from.condition } : null,
    to: m.to?.location ? { location: m.to.location, condition: m.to.condition } : null,
    legs: m.legs.map((l) => ({ location: l.location, condition: l.condition, onHand: l.delta.onHand, reserved: l.delta.reserved, available: l.delta.available })),
    state: m.state,
    by: { id: m.by?.id ?? null, name: m.by?.name ?? '' },
    note: m.note ?? null,
    workOrder: m.workOrderId ? { id: String(m.workOrderId), number: m.workOrderNumber ?? null } : null,
    createdAt: m.createdAt.toISOString(),
  };
}
