/** The work order as the API gives it (src/modules/workorders/workorders.serialize.ts). */
export interface WorkOrder {
  id: string;
  number: string;
  ticketNumber: number;
  kind: string;
  status: string;
  team: string;
  engineer: { id: string; name: string; phone: string | null } | null;
  window: { start: string; end: string } | null;
  address: string;
  description: string;
  contact: { name: string; phone: string | null; locale: string };
  emergency: boolean;
  payment: { required: boolean; quoteId?: string; status: string; quoteStatus?: 'sent' | 'accepted' | 'declined' | 'expired' };
  /** the unit's warranty when the work order was raised, with its model (the parts picker offers the parts that fit it) */
  warranty?: { status: string; model?: string } | null;
  sla: { onSite: { dueAt: string | null; status: string } | null; escalationLevel: number; pausedUntil: string | null };
  outcome: { reason: string; note: string | null } | null;
  report: { version: number; filedAt: string } | null;
  photos: { id: string; filename: string; size: number }[];
  next: string[];
  events: { type: string; at: string; by: { name: string } }[];
  visit: number;
  createdAt: string;
  updatedAt: string;
}

export interface Board {
  date: string;
  team: string;
  timeZone: string;
  dayStart: string;
  dayEnd: string;
  hours: { start: string; end: string }[];
  engineers: { id: string; name: string; phone: string | null; presence: string; workOrders: WorkOrder[] }[];
  unassigned: WorkOrder[];
}

/** What a step leads to, for the phone's optimistic view while a step waits to be sent. */
export const STEP_TO: Record<string, string> = { accept: 'accepted', reject: 'scheduled', depart: 'en_route', arrive: 'on_site', complete: 'completed', cannot_complete: 'cannot_complete', cancel: 'cancelled' };
export const NEXT_FROM: Record<string, string[]> = {
  dispatched: ['accept', 'reject'],
  accepted: ['depart', 'reject', 'cannot_complete'],
  en_route: ['arrive', 'cannot_complete'],
  on_site: ['complete', 'cannot_complete'],
};
