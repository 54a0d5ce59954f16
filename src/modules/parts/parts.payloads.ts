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
