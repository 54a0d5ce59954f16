import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import { Coalescer } from '../../realtime/coalescer';
import type { Realtime } from '../../realtime/realtime';
import type { MessageDoc } from './message.model';
import type { MessageTicketSummary, TicketPayload } from './ticket.payloads';
import type { QueueIndex, QueueItem } from './queue-index';
import type { TicketDoc } from './ticket.model';
import type { CreatedContext, TicketChanges, TicketObserver } from './ticket.observers';
import { loadNames, Names, serializeMessage, serializeTicket, toQueueItem } from './ticket.serialize';

/** A ticket's `ticket:updated` for its messages goes out at most this long after the first of them (one per burst). */
export const MESSAGE_UPDATE_WINDOW_MS = 250;

export interface LiveTicketDeps {
  index: QueueIndex;
  realtime: Realtime;
  Agent: AgentModel;
  Customer: CustomerModel;
}

/**
 * Keeps the live queue index and the agents' sockets in step with every ticket change. Payloads
 * carry freshly read data, so a late event never shows stale state.
 */
export class LiveTicketObserver implements TicketObserver {
  readonly name = 'live';

  /** the view after a ticket's latest messages, per ticket id, sent once per window (see MESSAGE_UPDATE_WINDOW_MS) */
  private readonly messageUpdates: Coalescer<ReturnType<typeof serializeTicket>>;

  constructor(private readonly d: LiveTicketDeps) {
    this.messageUpdates = new Coalescer(MESSAGE_UPDATE_WINDOW_MS, (_id, view) => this.d.realtime.toTeam(view.team, 'ticket:updated', view));
  }

  /** Sends the message updates still waiting for their window (shutdown, tests). */
  flush(): void {
    this.messageUpdates.flush();
  }

  async refresh(ticket: TicketDoc, reuseNames = false, given: Names | null = null): Promise<ReturnType<typeof serializeTicket>> {
    return (await this.refreshed(ticket, reuseNames, given)).view;
  }

  /** The ticket's view and queue entry, written to the live queue; `known`: the entry before (read when names are reused). */
  private async refreshed(ticket: TicketDoc, reuseNames: boolean, given: Names | null = null): Promise<{ view: TicketPayload; item: QueueItem; known: QueueItem | null }> {
    const known = reuseNames ? await this.d.index.get(String(ticket._id)) : null;
    const view = serializeTicket(ticket, given || (known && namesFromQueue(ticket, known)) || (await loadNames([ticket], this.d.Agent, this.d.Customer)));
    const item = toQueueItem(view);
    await this.d.index.put(item, known);
    return { view, item, known };
  }

  async created(ticket: TicketDoc, _first?: MessageDoc | null, ctx?: CreatedContext): Promise<void> {
    const view = await this.refresh(ticket, false, namesFromCreation(ticket, ctx));
    this.messageUpdates.drop(view.id);
    this.d.realtime.toTeam(ticket.team, 'ticket:created', view);
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    // A message changes neither the customer nor the assignee: their names come from the queue entry.
    const { view, item, known } = await this.refreshed(ticket, true);
    // The message at once, with what it changed of the ticket (the open ticket and the queue's row take it from there).
    this.d.realtime.toTeam(ticket.team, 'message:new', { ticketNumber: ticket.number, message: serializeMessage(message), ticket: messageSummary(view) });
    // The whole summary, once per burst, unless a customer's message changed no more of what the
    // queue shows than the preview (no status, priority, assignee or due time): most chat lines (issue #23).
    if (message.author.type === 'customer' && known && sameListing(known, item) && !this.messageUpdates.has(view.id)) return;
    this.messageUpdates.put(view.id, view);
  }

  /** A message's delivery status (sent, failed): the open ticket shows it; the ticket's summary did not change. */
  async deliveryChanged(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    this.d.realtime.toTeam(ticket.team, 'message:new', { ticketNumber: ticket.number, message: serializeMessage(message) });
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    const view = await this.refresh(ticket);
    this.messageUpdates.drop(view.id); // this view is newer than any message update still waiting
    const payload = { ...view, changes: Object.keys(changes) };
    this.d.realtime.toTeam(ticket.team, 'ticket:updated', payload);
    if (changes.team && typeof changes.team[0] === 'string') this.d.realtime.toTeam(changes.team[0], 'ticket:updated', payload);
    if (changes.assignee?.[1]) this.d.realtime.toAgents([String(changes.assignee[1])], 'ticket:assigned', payload);
  }
}

/** What a message changes of its ticket, sent with `message:new` (MessageTicketSummary). */
function messageSummary(view: TicketPayload): MessageTicketSummary {
  return { id: view.id, number: view.number, preview: view.preview, messageCount: view.messageCount, lastMessageId: view.lastMessageId, sla: view.sla, updatedAt: view.updatedAt };
}

/** Whether two queue entries show the same but for the preview and the time of the last change (what `message:new` carries). */
export function sameListing(a: QueueItem, b: QueueItem): boolean {
  return sameValue(a, b, LISTING_SKIPS);
}

const LISTING_SKIPS = new Set(['preview', 'updatedAt']);
const NONE = new Set<string>();

/**
 * Equal as their JSON would be (an undefined field as an absent one), field by field: no copies
 * and no strings per chat message, as two JSON.stringify of spread copies made (issue #23).
 */
function sameValue(a: unknown, b: unknown, skip: Set<string> = NONE): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (!skip.has(k) && !sameValue(x[k], y[k])) return false;
  for (const k in y) if (!skip.has(k) && x[k] === undefined && y[k] !== undefined) return false;
  return true;
}

/** The customer's name as the creation read it, when nobody is assigned yet (a routed chat is: its assignee's name is read). */
function namesFromCreation(ticket: TicketDoc, ctx?: CreatedContext): Names | null {
  const c = ctx?.customer;
  if (!c || ticket.assigneeId || String(c._id) !== String(ticket.customerId)) return null;
  const id = String(c._id);
  return { agents: new Map(), customers: new Map([[id, { id, name: c.name, emails: c.emails, phones: c.phones, locale: c.locale }]]) };
}

/** The names of the ticket's customer and assignee as the live queue entry holds them, if it still matches. */
function namesFromQueue(ticket: TicketDoc, item: QueueItem): Names | null {
  const assigneeId = ticket.assigneeId ? String(ticket.assigneeId) : null;
  if (item.customer.id !== String(ticket.customerId) || item.customer.email === undefined || (item.assignee?.id ?? null) !== assigneeId) return null;
  const c = item.customer;
  return {
    agents: new Map(item.assignee ? [[item.assignee.id, item.assignee]] : []),
    customers: new Map([[c.id, { id: c.id, name: c.name, emails: c.email ? [c.email] : [], phones: c.phone ? [c.phone] : [], locale: c.locale ?? 'en' }]]),
  };
}
