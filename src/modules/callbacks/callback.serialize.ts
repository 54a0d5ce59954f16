import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { TicketModel } from '../tickets/ticket.model';
import type { CallbackDoc } from './callback.model';
import type { CallbackPayload } from './callback.payloads';

export interface ContextModels {
  Ticket: TicketModel;
  Customer: CustomerModel;
}
type TicketContext = { subject: string; status: string; channel: string; type: string; customer: { id: string; name: string; phones: string[]; emails: string[] } | null };

/**
 * What an agent needs to work a task without opening the ticket: its ticket's subject and status,
 * and the customer's name and phones (a customer who wrote by mail has a phone on their record,
 * not on the task). Two reads by `_id` for any number of tasks.
 */
export async function loadContext(cbs: CallbackDoc[], m: ContextModels): Promise<Map<string, TicketContext>> {
  const ids = [...new Set(cbs.map((cb) => String(cb.ticketId)))];
  if (!ids.length) return new Map();
  const tickets = await m.Ticket.find({ _id: { $in: ids } }, { subject: 1, status: 1, channel: 1, type: 1, customerId: 1 }).lean();
  const customerIds = [...new Set(tickets.map((t) => String(t.customerId)))];
  const customers = customerIds.length ? await m.Customer.find({ _id: { $in: customerIds } }, { name: 1, phones: 1, emails: 1 }).lean() : [];
  const byId = new Map(customers.map((c) => [String(c._id), { id: String(c._id), name: c.name, phones: c.phones ?? [], emails: c.emails ?? [] }]));
  return new Map(tickets.map((t) => [String(t._id), { subject: t.subject, status: t.status, channel: t.channel, type: t.type, customer: byId.get(String(t.customerId)) ?? null }]));
}

/** A callback task as CONTRACT.md shapes it (plus the outcome fields and the task's context), for HTTP and sockets alike. */
export function serializeCallback(cb: CallbackDoc, agents: Map<string, { id: string; name: string }>, context?: Map<string, TicketContext> | null): CallbackPayload {
  const assignee = cb.assigneeId ? (agents.get(String(cb.assigneeId)) ?? { id: String(cb.assigneeId), name: '' }) : null;
  const ctx = context?.get(String(cb.ticketId)) ?? null;
  return {
    id: String(cb._id),
    ticketNumber: cb.ticketNumber,
    kind: cb.kind,
    phone: cb.phone ?? null,
    dueAt: cb.dueAt.toISOString(),
    status: cb.status,
    attempts: cb.attempts.map((a) => ({
      at: a.at.toISOString(),
      agentId: a.agentId ? String(a.agentId) : null,
      agent: a.agentId ? (agents.get(String(a.agentId))?.name ?? null) : null,
      outcome: a.outcome,
      note: a.note ?? null,
      satisfied: a.satisfied ?? null,
      resolved: a.resolved ?? null,
    })),
    assignee,
    team: cb.team,
    outcome: cb.outcome ?? null,
    satisfied: cb.satisfied ?? null,
    resolved: cb.resolved ?? null,
    note: cb.note ?? null,
    survey: cb.survey?.score ? { score: cb.survey.score, comment: cb.survey.comment ?? null } : null,
    ticket: ctx ? { subject: ctx.subject, status: ctx.status, channel: ctx.channel, type: ctx.type } : null,
    customer: ctx?.customer ?? null,
    /** the number to dial: the task's own, else the customer's first phone on record */
    callPhone: cb.phone ?? ctx?.customer?.phones[0] ?? null,
    completedAt: cb.completedAt ? cb.completedAt.toISOString() : null,
    createdAt: cb.createdAt.toISOString(),
  };
}
export type CallbackView = CallbackPayload;

/** The agents a set of tasks names (assignees and callers), in one query. */
export async function loadAgentNames(cbs: CallbackDoc[], Agent: AgentModel): Promise<Map<string, { id: string; name: string }>> {
  const ids = new Set<string>();
  for (const cb of cbs) {
    if (cb.assigneeId) ids.add(String(cb.assigneeId));
    for (const a of cb.attempts) if (a.agentId) ids.add(String(a.agentId));
  }
  if (!ids.size) return new Map();
  const agents = await Agent.find({ _id: { $in: [...ids] } }, { name: 1 }).lean();
  return new Map(agents.map((a) => [String(a._id), { id: String(a._id), name: a.name }]));
}
