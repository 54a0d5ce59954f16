/**
 * The parts domain's socket payloads on /agents. A leaf of plain types, imported type-only by the
 * server's event maps and by the console.
 */

/** A work order ended `cannot_complete` for want of a part: to the dispatchers of its team. */
export interface PartMissingPayload {
  workOrderId: string;
  number: string;
  ticketNumber: number;
  team: string;
  engineer: string | null;
  note: string | null;
}

/** A defective part is overdue back at the store: to its engineer and the supervisors of the team. */
export interface OldPartOverduePayload {
  id: string;
  sku: string;
  qty: number;
  workOrderNumber: string;
  engineerId: string | null;
  dueAt: string;
}

/** Stock of a part changed (the console's parts page re-reads it). */
export interface StockChangedPayload {
  sku: string;
  ref: string;
  reason: string;
}

/** The wire shapes of the parts API (checked against the zod views in parts.schemas.ts), for the console. */
export interface PartPayload {
  sku: string;
  name: { en: string; 'zh-CN': string };
  models: string[];
  /** integer fen */
  price: number;
  currency: 'CNY';
  unit: string | null;
  returnable: boolean;
  active: boolean;
}

export interface StockRowPayload {
  sku: string;
  location: string;
  condition: 'new' | 'defective';
  onHand: number;
  reserved: number;
  available: number;
}

export interface MovePayload {
  id: string;
  ref: string;
  sku: string;
  qty: number;
  reason: string;
  from: { location: string; condition: 'new' | 'defective' } | null;
  to: { location: string; condition: 'new' | 'defective' } | null;
  legs: { location: string; condition: 'new' | 'defective'; onHand: number; reserved: number; available: number }[];
  state: 'pending' | 'applied' | 'rejected';
  by: { id: string | null; name: string };
  note: string | null;
  workOrder: { id: string; number: string | null } | null;
  createdAt: string;
}

export interface OldPartPayload {
  id: string;
  sku: string;
  model: string | null;
  qty: number;
  defectiveSerial: string | null;
  workOrder: { id: string; number: string };
  ticketNumber: number | null;
  engineerId: string | null;
  takenAt: string;
  dueAt: string;
  status: 'outstanding' | 'returned' | 'overdue';
  returnedAt: string | null;
}
