/** A callback task as `GET /api/callbacks` answers it (src/modules/callbacks/callback.serialize.ts). */
export interface CallbackTask {
  id: string;
  ticketNumber: number;
  kind: 'missed_call' | 'voicemail' | 'requested' | 'follow_up' | 'low_rating';
  phone: string | null;
  callPhone: string | null;
  dueAt: string;
  status: 'scheduled' | 'due' | 'done' | 'failed' | 'cancelled';
  attempts: { at: string; agent: string | null; outcome: string; note: string | null; satisfied: boolean | null; resolved: boolean | null }[];
  assignee: { id: string; name: string } | null;
  team: string;
  outcome: string | null;
  note: string | null;
  survey: { score: number; comment: string | null } | null;
  ticket: { subject: string; status: string; channel: string; type: string } | null;
  customer: { id: string; name: string; phones: string[]; emails: string[] } | null;
}
