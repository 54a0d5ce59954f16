/**
 * The tickets domain's wire shapes: what the API answers and the /agents events carry. A leaf of
 * plain types (no imports of the server but its sibling leaf), checked against the serializers
 * and imported type-only by the console, so the console and the server cannot drift.
 */
import type { TimelineEvent } from './timeline.events';

export interface SlaTargetPayload {
  dueAt: string | null;
  status: string;
}

export interface SlaPayload {
  policy: string | null;
  calendar: string | null;
  firstResponse?: SlaTargetPayload;
  nextResponse?: SlaTargetPayload;
  resolution?: SlaTargetPayload;
  escalationLevel: number;
}

export interface TicketPayload {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  priority: string;
  type: string;
  team: string;
  assignee: { id: string; name: string } | null;
  customer: { id: string; name: string; email: string | null; phone: string | null; locale: string };
  tags: string[];
  /** custom fields `{key: value}` (dates as ISO strings) */
  fields: Record<string, unknown>;
  product: { model: string; serial: string | null } | null;
  /** the unit (src/modules/units) the ticket is about */
  unitId: string | null;
  sla: SlaPayload | null;
  linkedFrom: number | null;
  /** chat: whether the visitor is who they typed they are (ChatIdentity); null for other channels */
  identity: { verified: boolean; matched: boolean; claimed: { email: string | null; phone: string | null } } | null;
  firstResponseAt: string | null;
  solvedAt: string | null;
  closedAt: string | null;
  reopenCount: number;
  messageCount: number;
  lastMessageId: string | null;
  preview: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * What a new message changed of its ticket, carried by the agents' `message:new`: a customer's
 * message that changes nothing else the queue shows (status, priority, assignee, due time) brings
 * no `ticket:updated`, so the console takes the row's preview and the open ticket's counters and
 * clocks from here.
 */
export type MessageTicketSummary = Pick<TicketPayload, 'id' | 'number' | 'preview' | 'messageCount' | 'lastMessageId' | 'sla' | 'updatedAt'>;

/** A changed ticket; `changes` names the fields that changed (or `sla` when only due times moved). */
export interface TicketUpdatePayload extends TicketPayload {
  changes?: string[];
}

export interface MessagePayload {
  id: string;
  ticketNumber: number;
  kind: 'message' | 'event';
  author: { type: 'customer' | 'agent' | 'system'; id: string | null; name: string };
  body: string;
  fullBody?: string;
  html?: string;
  internal: boolean;
  automatic: boolean;
  channel: string;
  delivery: { status: string; error: string | null };
  /** a timeline event: rendered from its type and data in the reader's language */
  event: TimelineEvent | null;
  clientId: string | null;
  createdAt: string;
  attachments: { id: string; filename?: string | null; contentType?: string | null; size?: number | null; url: string }[];
}

/** A live queue entry (GET /api/queue), kept ready to show in the queue index. */
export interface QueueItem {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  type: string;
  team: string;
  assignee: { id: string; name: string } | null;
  customer: { id: string; name: string; email?: string | null; phone?: string | null; locale?: string };
  dueAt: string | null;
  slaStatus: string | null;
  preview: string;
  createdAt: string;
  updatedAt: string;
}
