/**
 * The work orders domain's wire shapes: the `workorder:updated` event on /agents and the data of
 * the `workorder.*` timeline events. A leaf of plain types, imported type-only by the server's
 * event maps and by the console.
 */

/** A work order changed: the board, the phone and the ticket's panel re-read it by id. */
export interface WorkOrderPayload {
  id: string;
  number: string;
  status: string;
  engineer: { id: string; name: string } | null;
  ticketNumber: number;
  team: string;
  /** what kind of change it was: created, planned, step, report, payment, sla */
  changes: string;
}

/** What every `workorder.*` line on a ticket's timeline carries (workorders.effects.ts). */
export interface WorkOrderTimelineData {
  workOrderId: string;
  number: string;
  kind: string;
  status: string;
  /** the engineer's name after the change */
  engineer: string | null;
  window: { start: string; end: string } | null;
  /** why it could not be completed (CANNOT_COMPLETE_REASONS), or a rejection's reason */
  reason: string | null;
  /** who made the change */
  by: string;
  reportVersion?: number;
}
