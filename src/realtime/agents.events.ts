/**
 * The /agents namespace's event maps and payloads, shared by the server (Realtime, the socket
 * handlers) and the console (console/live.ts). A leaf of plain types: the console imports it
 * type-only and bundles nothing of the server. Client → server payloads are validated with the
 * zod schemas of agents.schemas.ts, which are checked against these types.
 *
 * A new server → client event is one line in AgentsServerEvents, e.g.
 * `'workorder:updated': (w: WorkOrderPayload) => void;`, with its payload a plain interface in the
 * domain's leaf `<domain>.payloads.ts` (imports nothing of the server); Realtime.toTeam/toAgents/
 * toRoom then accept exactly that payload and the console's useLive hands it over typed.
 */
import type { CallbackPayload } from '../modules/callbacks/callback.payloads';
import type { ReturnPayload } from '../modules/returns/return.payloads';
import type { OldPartOverduePayload, PartMissingPayload, StockChangedPayload } from '../modules/parts/parts.payloads';
import type { QuotePayload } from '../modules/quotes/quote.payloads';
import type { MessagePayload, MessageTicketSummary, TicketPayload, TicketUpdatePayload } from '../modules/tickets/ticket.payloads';
import type { WorkOrderPayload } from '../modules/workorders/workorders.payloads';

export type { CallbackPayload, MessagePayload, OldPartOverduePayload, PartMissingPayload, QuotePayload, ReturnPayload, StockChangedPayload, TicketPayload, TicketUpdatePayload, WorkOrderPayload };

export interface ErrorAck {
  error: { code: string; message: string; details?: unknown };
}
export type Ack<T> = (answer: T | ErrorAck) => void;

/** An SLA warning or breach, a failed callback, a low survey score, a work order late on site: what a lead must look at. */
export interface EscalationPayload {
  ticketNumber: number;
  /** an SLA target, or `satisfaction`, or `callback`, or `onSite` (a work order's on-site target) */
  target: string;
  kind: 'warning' | 'breach';
  level: number;
  dueAt: string | null;
  id?: string;
  subject?: string;
  team?: string;
  at?: string;
  reason?: string;
  callbackId?: string;
  /** target `onSite`: the work order that is late */
  workOrder?: { id: string; number: string };
}

export interface EscalationAckPayload {
  id: string;
  ticketNumber: number;
  subject: string;
  team: string;
  target: string;
  kind: 'warning' | 'breach';
  level: number;
  at: string;
  dueAt: string | null;
  reason: string | null;
  notified: string[];
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  acknowledgedByName: string;
}

export type PresenceStatus = 'online' | 'away' | 'offline';

export interface AgentPresencePayload {
  id: string;
  name: string;
  teams: string[];
  presence: string;
  since: string | null;
}

export interface TicketPresencePayload {
  ticketNumber: number;
  viewers: { id: string; name: string }[];
  typing: { id: string; name: string }[];
}

/** The chat visitor is typing on a ticket some agent has open. */
export interface VisitorTypingPayload {
  ticketNumber: number;
  author: { type: 'customer'; name: string };
  typing: boolean;
}

/** Server → console. */
export interface AgentsServerEvents {
  'ticket:created': (t: TicketPayload) => void;
  'ticket:updated': (t: TicketUpdatePayload) => void;
  /** to the new assignee */
  'ticket:assigned': (t: TicketUpdatePayload) => void;
  /**
   * `ticket`: what the message changed of its ticket (a customer's chat line brings no `ticket:updated`
   * of its own); absent when only a message's delivery status changed (sent, failed)
   */
  'message:new': (p: { ticketNumber: number; message: MessagePayload; ticket?: MessageTicketSummary }) => void;
  'callback:due': (c: CallbackPayload) => void;
  'callback:failed': (c: CallbackPayload) => void;
  escalation: (e: EscalationPayload) => void;
  'escalation:acknowledged': (e: EscalationAckPayload) => void;
  'agent:presence': (p: AgentPresencePayload) => void;
  'presence:ticket': (p: TicketPresencePayload) => void;
  typing: (p: VisitorTypingPayload) => void;
  /** a work order changed: to its team, its ticket's team and the engineers before and after */
  'workorder:updated': (w: WorkOrderPayload) => void;
  /** a return, exchange or repair moved a step: to its team, its ticket's team and those who see every team */
  'return:updated': (r: ReturnPayload) => void;
  /** a work order ended cannot_complete for want of a part: to the dispatchers of its team */
  'parts:missing': (p: PartMissingPayload) => void;
  /** a defective part is overdue back at the store: to its engineer and the team's supervisors */
  'oldpart:overdue': (p: OldPartOverduePayload) => void;
  /** the stock of a part changed: to everyone signed in (the parts page and the report's parts picker re-read it) */
  'stock:changed': (p: StockChangedPayload) => void;
  /** a quote was sent, answered, paid or expired: to the ticket's team */
  'quote:updated': (q: QuotePayload) => void;
}

export interface TicketRef {
  ticketNumber: number;
}

/** Console → server; each payload is validated (agents.schemas.ts) and each ack answers the result or `{error}`. */
export interface AgentsClientEvents {
  'presence:set': (p: { status: PresenceStatus }, ack: Ack<{ status: PresenceStatus; changed: boolean }>) => void;
  /** presence on a ticket: answers who else has it open */
  'ticket:join': (p: TicketRef, ack: Ack<TicketPresencePayload>) => void;
  'ticket:leave': (p: TicketRef, ack: Ack<{ ok: true }>) => void;
  /** the agent types on a ticket (a chat's visitor sees it too) */
  typing: (p: TicketRef & { typing?: boolean }, ack: Ack<{ ok: true }>) => void;
}

export type AgentsServerEvent = keyof AgentsServerEvents;
export type AgentsPayload<E extends AgentsServerEvent> = Parameters<AgentsServerEvents[E]>[0];
export type AgentsClientEvent = keyof AgentsClientEvents;
export type AgentsClientPayload<E extends AgentsClientEvent> = Parameters<AgentsClientEvents[E]>[0];
/** What the ack of a client event answers on success. */
export type AgentsAnswer<E extends AgentsClientEvent> = Exclude<Parameters<Parameters<AgentsClientEvents[E]>[1]>[0], ErrorAck>;
