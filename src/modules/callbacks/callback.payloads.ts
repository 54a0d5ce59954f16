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
  /** a low-rating task: the survey answer that caused it */
  survey: { score: number; comment: string | null } | null;
  /** the task's ticket and customer, to work it without opening the ticket (null where not loaded) */
  ticket: { subject: string; status: string; channel: string; type: string } | null;
  customer: { id: string; name: string; phones: string[]; emails: string[] } | null;
  /** the number to dial: the task's own, else the customer's first phone on record */
  callPhone: string | null;
  completedAt: string | null;
  createdAt: string;
}
