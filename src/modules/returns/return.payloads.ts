/**
 * The returns domain's wire shapes: the `return:updated` event on /agents and the data of the
 * `return_*` timeline events. A leaf of plain types, imported type-only by the server's event
 * maps and by the console.
 */

/** A return, exchange or repair moved a step: the work list, the ticket's unit and the customer panel re-read it. */
export interface ReturnPayload {
  id: string;
  number: string;
  status: string;
  kind: string;
  ticketNumber: number;
  team: string;
  unitId: string;
  customerId: string;
}

/** What every `return_*` line on a ticket's timeline carries (return.effects.ts): the return and the step's own data. */
export interface ReturnTimelineData {
  returnId: string;
  number: string;
  kind: string;
  model: string;
  serial: string;
  by: string;
  note: string | null;
  /** a refund, in fen */
  amount?: number;
  currency?: string;
  /** an exchange: the new unit */
  newSerial?: string;
  newUnitId?: string;
}

export type ReturnKindName = 'return' | 'exchange' | 'repair';
export type ReturnStatusName = 'requested' | 'approved' | 'rejected' | 'received' | 'inspected' | 'refunded' | 'replaced' | 'repaired' | 'closed';
export type ReturnStepName = 'approve' | 'reject' | 'receive' | 'inspect' | 'refund' | 'replace' | 'repair' | 'close';
export type ReturnReasonCodeName = 'performance_fault' | 'damaged_on_arrival' | 'wrong_or_incomplete' | 'not_as_described' | 'other';

interface By {
  id: string | null;
  name: string;
}

/** One step in a return's history. */
export interface ReturnEventPayload {
  id: string;
  type: string;
  from: string | null;
  to: string;
  note: string | null;
  data: Record<string, unknown>;
  by: By;
  at: string;
  clientId: string | null;
}

/** A return, exchange or repair as GET /api/returns/:id answers it (checked against `returnView`). */
export interface ReturnViewPayload {
  id: string;
  number: string;
  ticketNumber: number;
  team: string;
  ticketTeam: string;
  unitId: string;
  customerId: string;
  model: string;
  serial: string;
  kind: ReturnKindName;
  reason: string;
  reasonCode: ReturnReasonCodeName;
  status: ReturnStatusName;
  warranty: { status: string; entitlement: string[]; reasonCode: string; days: number | null };
  override: { reason: string; by: By; at: string } | null;
  outcome: { type: 'refund' | 'replace' | 'repair'; amount: number | null; currency: 'CNY' | null; newSerial: string | null; newUnitId: string | null; note: string | null } | null;
  attachments: { id: string; filename: string; contentType: string; size: number; url: string; by: By; at: string }[];
  events: ReturnEventPayload[];
  /** the steps that may follow, for whoever reads it (empty when they may not work the return) */
  nextSteps: ReturnStepName[];
  createdBy: By;
  createdAt: string;
  updatedAt: string;
}
