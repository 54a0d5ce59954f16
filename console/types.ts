/**
 * The server's shapes the console works with: the same types the server's serializers and socket
 * events are checked against (src/realtime/agents.events.ts), so the two cannot drift.
 */
import type { MessagePayload, TicketPayload } from '../src/realtime/agents.events';

export type Ticket = TicketPayload;
export type Message = MessagePayload;

/** A live queue entry (GET /api/queue). */
export interface QueueItem {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  priority: string;
  team: string;
  assignee: { id: string; name: string } | null;
  customer: { name: string };
  dueAt: string | null;
  slaStatus: string | null;
  preview: string;
}
