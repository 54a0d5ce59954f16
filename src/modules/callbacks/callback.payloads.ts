/** A callback task as the API and the `callback:due` / `callback:failed` events show it (a leaf: the console imports it type-only). */
export interface CallbackPayload {
  id: string;
  ticketNumber: number;
  kind: string;
  phone: string | null;
  dueAt: string;
  status: string;
  attempts: { at: string; agentId: string | null; agent: string | null; outcome: string; note: string | null; satisfied: boolean | null; resolved: boolean | null }[];
  assignee: { id: string; name: string } | null;
  team: string;
  outcome: string | null;
  satisfied: boolean | null;
  resolved: boolean | null;
  note: string | null;
  completedAt: string | null;
  createdAt: string;
}
