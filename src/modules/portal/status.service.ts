import { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { WorkOrderDoc, WorkOrderModel } from '../workorders/workorders.model';
import { windowText } from '../workorders/workorders.effects';
import { firstName, pageStrings } from './portal.view';
import { LinkSigner, StatusLink } from './signed-link';

/** A status link works until this long after its ticket closed (derived from the ticket when read). */
export const STATUS_LINK_AFTER_CLOSE_MS = 30 * 24 * 3600_000;

/** Quotes of a ticket as the customer reads them; the quotes module plugs in here (none yet: an empty list). */
export type CustomerQuotes = (ticketId: string) => Promise<{ number: string; total: number; currency: string; status: string; url?: string }[]>;
export const noQuotes: CustomerQuotes = async () => [];

export interface StatusDeps {
  Ticket: TicketModel;
  WorkOrder: WorkOrderModel;
  Agent: AgentModel;
  /** the ids of a ticket's work orders (the work order lookup rows, no scan) */
  workOrderIds: (ticketNumber: number) => Promise<Types.ObjectId[]>;
  timeZoneOf: (team: string) => Promise<string>;
  quotes: CustomerQuotes;
  links: LinkSigner<StatusLink>;
  /** the organisation's time zone (ORG_TIME_ZONE), for the dates the page shows */
  timeZone: string;
  clock: Clock;
}

export type StatusCheck = { ok: true; ticket: TicketDoc } | { ok: false; reason: 'invalid' | 'expired'; locale?: Locale };

/** A work order as its customer may read it: no contact details, no internal notes, the engineer's given name. */
export interface VisitView {
  id: string;
  number: string;
  status: string;
  statusText: string;
  window: string | null;
  windowStart: string | null;
  engineer: string | null;
  hasReport: boolean;
  kind: string;
}

/**
 * The read-only status page of one ticket behind a signed link: the ticket's status in plain words,
 * its visits (window, the engineer's given name), quotes and report PDFs. The link carries only the
 * ticket id; it stops working 30 days after the ticket closed, decided from the ticket on each read.
 */
export class StatusService {
  constructor(private readonly d: StatusDeps) {}

  async check(token: string): Promise<StatusCheck> {
    const v = this.d.links.verify(token, this.d.clock.now());
    if (!v.ok) return { ok: false, reason: 'invalid' };
    const ticket = await this.d.Ticket.findById(v.data.t);
    if (!ticket) return { ok: false, reason: 'invalid' };
    if (this.expired(ticket)) return { ok: false, reason: 'expired', locale: undefined };
    return { ok: true, ticket };
  }

  expired(ticket: Pick<TicketDoc, 'status' | 'closedAt' | 'updatedAt'>): boolean {
    if (ticket.status !== 'closed') return false;
    const closedAt = ticket.closedAt ?? ticket.updatedAt;
    return !!closedAt && this.d.clock.now().getTime() > new Date(closedAt).getTime() + STATUS_LINK_AFTER_CLOSE_MS;
  }

  /** The ticket's work orders as the customer reads them (cancelled ones left out), oldest first. */
  async visits(ticket: Pick<TicketDoc, 'number' | '_id'>, locale: Locale): Promise<VisitView[]> {
    const ids = await this.d.workOrderIds(ticket.number);
    if (!ids.length) return [];
    const list = await this.d.WorkOrder.find({ _id: { $in: ids }, ticketId: ticket._id, status: { $ne: 'cancelled' } }).sort({ _id: 1 }).limit(50);
    return this.viewsOf(list, locale);
  }

  async viewsOf(list: WorkOrderDoc[], locale: Locale): Promise<VisitView[]> {
    const t = pageStrings()[locale];
    const engineerIds = [...new Set(list.map((w) => w.engineerId).filter(Boolean).map(String))];
    const agents = engineerIds.length ? await this.d.Agent.find({ _id: { $in: engineerIds } }, { name: 1 }).lean() : [];
    const names = new Map(agents.map((a) => [String(a._id), firstName(a.name)]));
    const out: VisitView[] = [];
    for (const w of list) {
      const window = w.window?.start && w.window.end ? { start: w.window.start, end: w.window.end } : null;
      out.push({
        id: String(w._id),
        number: w.number,
        kind: w.kind,
        status: w.status,
        statusText: t.woStatus[w.status] ?? w.status,
        window: window ? windowText(window, locale, await this.d.timeZoneOf(w.team)) : null,
        windowStart: window ? window.start.toISOString() : null,
        engineer: w.engineerId ? (names.get(String(w.engineerId)) ?? null) : null,
        hasReport: !!w.report?.version,
      });
    }
    return out;
  }

  /** Whether work order `id` belongs to the ticket (what the status link may download). */
  async workOrderOf(ticket: Pick<TicketDoc, '_id'>, id: string): Promise<WorkOrderDoc | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.d.WorkOrder.findOne({ _id: id, ticketId: ticket._id });
  }

  /** A work order of the customer's (its report for the portal), else null. */
  async workOrderOfCustomer(customerId: string, id: string): Promise<WorkOrderDoc | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const wo = await this.d.WorkOrder.findById(id);
    return wo && String(wo.customerId) === customerId ? wo : null;
  }

  quotes(ticket: Pick<TicketDoc, '_id'>) {
    return this.d.quotes(String(ticket._id));
  }

  ticketView(ticket: TicketDoc, locale: Locale) {
    const t = pageStrings()[locale];
    const when = (d: Date | undefined | null) => (d ? new Date(d).toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: this.d.timeZone, dateStyle: 'medium', timeStyle: 'short' }) : '');
    return { number: ticket.number, subject: ticket.subject, status: ticket.status, statusText: t.status[ticket.status] ?? ticket.status, opened: when(ticket.createdAt), updated: when(ticket.updatedAt) };
  }
}
