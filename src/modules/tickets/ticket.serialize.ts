import type { MessagePayload, SlaPayload, TicketPayload } from './ticket.payloads';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { MessageDoc } from './message.model';
import type { QueueItem } from './queue-index';
import type { TicketDoc } from './ticket.model';
import type { TimelineEvent } from './timeline.events';

type SlaTarget = { dueAt?: Date | null; status?: string | null } | null | undefined;

function target(t: SlaTarget) {
  return t && t.status ? { dueAt: t.dueAt ? t.dueAt.toISOString() : null, status: t.status } : undefined;
}

export function serializeSla(sla: TicketDoc['sla']): SlaPayload | null {
  if (!sla) return null;
  return {
    policy: sla.policy ?? null,
    calendar: sla.calendar ?? null,
    firstResponse: target(sla.firstResponse),
    nextResponse: target(sla.nextResponse),
    resolution: target(sla.resolution),
    escalationLevel: sla.escalationLevel ?? 0,
  };
}

export interface Names {
  agents: Map<string, { id: string; name: string }>;
  customers: Map<string, { id: string; name: string; emails: string[]; phones: string[]; locale: string }>;
}

/** Looks up the agents and customers a set of tickets refers to, two queries for any number of tickets. */
/** A customer as the names need it (a record the caller has just read or made saves reading it again). */
type NamedCustomer = { _id: unknown; name: string; emails: string[]; phones: string[]; locale: string };

export async function loadNames(tickets: TicketDoc[], Agent: AgentModel, Customer: CustomerModel, known: { customers?: NamedCustomer[] } = {}): Promise<Names> {
  const agentIds = [...new Set(tickets.map((t) => t.assigneeId).filter(Boolean).map(String))];
  const have = new Set((known.customers ?? []).map((c) => String(c._id)));
  const customerIds = [...new Set(tickets.map((t) => String(t.customerId)))].filter((id) => !have.has(id));
  const [agents, read] = await Promise.all([
    agentIds.length ? Agent.find({ _id: { $in: agentIds } }, { name: 1 }).lean() : [],
    customerIds.length ? Customer.find({ _id: { $in: customerIds } }, { name: 1, emails: 1, phones: 1, locale: 1 }).lean() : [],
  ]);
  const customers: NamedCustomer[] = [...(known.customers ?? []), ...(read as NamedCustomer[])];
  return {
    agents: new Map(agents.map((a) => [String(a._id), { id: String(a._id), name: a.name }])),
    customers: new Map(customers.map((c) => [String(c._id), { id: String(c._id), name: c.name, emails: c.emails, phones: c.phones, locale: c.locale }])),
  };
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function serializeTicket(t: TicketDoc, names: Names): TicketPayload {
  const customer = names.customers.get(String(t.customerId));
  return {
    id: String(t._id),
    number: t.number,
    subject: t.subject,
    channel: t.channel,
    status: t.status,
    priority: t.priority,
    type: t.type,
    team: t.team,
    assignee: t.assigneeId ? (names.agents.get(String(t.assigneeId)) ?? { id: String(t.assigneeId), name: '' }) : null,
    customer: customer
      ? { id: customer.id, name: customer.name, email: customer.emails[0] ?? null, phone: customer.phones[0] ?? null, locale: customer.locale }
      : { id: String(t.customerId), name: '', email: null, phone: null, locale: 'en' },
    tags: t.tags,
    fields: serializeFields(t.fields),
    product: t.product?.model ? { model: t.product.model, serial: t.product.serial ?? null } : null,
    unitId: t.unitId ? String(t.unitId) : null,
    sla: serializeSla(t.sla),
    linkedFrom: t.linkedFrom ?? null,
    /** chat: whether the visitor is who they typed they are (ChatIdentity); null for other channels */
    identity: ((t.meta as { identity?: unknown } | undefined)?.identity ?? null) as TicketPayload['identity'],
    firstResponseAt: iso(t.firstResponseAt),
    solvedAt: iso(t.solvedAt),
    closedAt: iso(t.closedAt),
    reopenCount: t.reopenCount,
    messageCount: t.messageCount,
    lastMessageId: t.lastMessageId ?? null,
    preview: t.preview,
    createdAt: iso(t.createdAt)!,
    updatedAt: iso(t.updatedAt)!,
  };
}

export function toQueueItem(view: TicketPayload): QueueItem {
  const due = nextDueFromView(view);
  return {
    id: view.id,
    number: view.number,
    subject: view.subject,
    channel: view.channel,
    status: view.status,
    priority: view.priority as QueueItem['priority'],
    type: view.type,
    team: view.team,
    assignee: view.assignee,
    customer: { id: view.customer.id, name: view.customer.name, email: view.customer.email, phone: view.customer.phone, locale: view.customer.locale },
    dueAt: due.dueAt,
    slaStatus: due.status,
    preview: view.preview,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}

function nextDueFromView(view: TicketPayload): { dueAt: string | null; status: string | null } {
  const s = view.sla;
  if (!s) return { dueAt: null, status: null };
  const ts = [s.firstResponse, s.nextResponse, s.resolution].filter((t): t is { dueAt: string | null; status: string } => !!t && !!t.dueAt);
  const running = ts.filter((t) => t.status === 'active' || t.status === 'breached').sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
  const breached = ts.some((t) => t.status === 'breached');
  return { dueAt: running[0]?.dueAt ?? null, status: breached ? 'breached' : (running[0]?.status ?? ts[0]?.status ?? null) };
}

export function serializeMessage(m: MessageDoc, baseUrl = ''): MessagePayload {
  return {
    id: String(m._id),
    ticketNumber: m.ticketNumber,
    kind: m.kind,
    author: { type: m.author.type, id: m.author.id ?? null, name: m.author.name },
    body: m.body,
    ...(m.fullBody && m.fullBody !== m.body ? { fullBody: m.fullBody } : {}),
    ...(m.html ? { html: m.html } : {}),
    internal: m.internal,
    automatic: m.automatic,
    channel: m.channel,
    delivery: { status: m.delivery?.status ?? 'none', error: m.delivery?.error ?? null },
    event: m.event?.type ? ({ type: m.event.type, data: m.event.data ?? null } as TimelineEvent) : null,
    clientId: m.clientId ?? null,
    createdAt: iso(m.createdAt)!,
    attachments: (m.attachments ?? []).map((a) => ({
      id: a.id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      url: `${baseUrl}/api/tickets/${m.ticketNumber}/attachments/${a.id}`,
      /** set when the file was deleted after ATTACHMENT_RETENTION; the download answers 410 */
      removedAt: a.removedAt ?? null,
    })),
  };
}

export type MessageView = ReturnType<typeof serializeMessage>;

/** Custom field values as the API shows them: dates as ISO strings. */
export function serializeFields(fields: unknown): Record<string, unknown> {
  if (!fields || typeof fields !== 'object') return {};
  return Object.fromEntries(Object.entries(fields as Record<string, unknown>).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}
