import { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import { NotFoundError } from '../../errors';
import type { CustomerDoc } from '../customers/customer.model';
import { RECENT_TICKETS } from '../customers/customer.teams';
import type { MessageDoc } from '../tickets/message.model';
import type { TicketInbound } from '../tickets/ticket.inbound';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import type { UnitDoc } from '../units/unit.model';
import type { UnitService } from '../units/unit.service';
import type { UnitView } from '../units/unit.schemas';
import { attachmentId } from '../../channels/email/mail-parse';
import type { Upload } from './portal.uploads';

const MAX_LIST = 100;
export const BODY_MAX = 10_000;
export const SUBJECT_MAX = 200;

export interface PortalDeps {
  Ticket: TicketModel;
  tickets: Pick<TicketService, 'messages' | 'recentOf'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: { get(id: string | Types.ObjectId): Promise<CustomerDoc> };
  units: Pick<UnitService, 'ofCustomer' | 'find' | 'views' | 'register'>;
  /** a unit just registered from the portal: its maintenance plan starts now */
  unitRegistered: (unit: UnitDoc) => Promise<void>;
}

export interface PublicMessage {
  id: string;
  mine: boolean;
  author: string;
  body: string;
  at: Date;
  files: string[];
}

/**
 * What a signed-in customer reads and does in the portal, always through their own customer id:
 * a ticket, unit or work order of anyone else answers 404 like a missing one. Customers read only
 * public messages (no internal notes, no timeline events), and write through the inbound contract
 * (channel `web`), as every other channel does.
 */
export class PortalService {
  constructor(private readonly d: PortalDeps) {}

  customer(id: string): Promise<CustomerDoc> {
    return this.d.customers.get(id);
  }

  /**
   * The customer's tickets, newest first: read by `_id` from the ids the customer record keeps
   * (`recentTickets`, the customer panel's list), so a customer's portal does not scan everyone's
   * tickets (MONGO-SUBSET.md). A customer with more tickets than that list holds is read by
   * `customerId`, up to MAX_LIST.
   */
  async tickets(customerId: string): Promise<TicketDoc[]> {
    const customer = await this.d.customers.get(customerId);
    if (new Set((customer.recentTickets ?? []).map(String)).size >= RECENT_TICKETS) return this.d.Ticket.find({ customerId: customer._id }).sort({ _id: -1 }).limit(MAX_LIST);
    return this.d.tickets.recentOf(customer, null, MAX_LIST);
  }

  async ticket(customerId: string, number: number): Promise<TicketDoc> {
    const t = await this.d.Ticket.findOne({ number });
    if (!t || String(t.customerId) !== customerId) throw new NotFoundError(`Ticket #${number}`);
    return t;
  }

  /** Public messages only: what the customer and the agents wrote to each other. */
  async messages(ticket: TicketDoc): Promise<PublicMessage[]> {
    const list: MessageDoc[] = await this.d.tickets.messages(ticket, { includeInternal: false, limit: 500 });
    return list
      .filter((m) => !m.internal && m.kind !== 'event' && (m.author?.type === 'customer' || m.author?.type === 'agent'))
      .map((m) => ({ id: String(m._id), mine: m.author.type === 'customer', author: m.author.type, body: m.body, at: m.createdAt, files: (m.attachments ?? []).filter((a) => !a.inline).map((a) => a.filename ?? '') }));
  }

  async reply(customerId: string, number: number, body: string, clientId: string, files: Upload[] = []): Promise<TicketDoc> {
    const ticket = await this.ticket(customerId, number);
    const customer = await this.customer(customerId);
    const r = await this.d.inbound.receive({
      channel: 'web',
      customer: { name: customer.name, email: customer.emails[0] ?? null, locale: customer.locale as Locale },
      customerId: customer._id,
      thread: ticket,
      open: { subject: ticket.subject, team: ticket.team },
      message: { body, dedupeKey: `portal:${customerId}:${clientId}`, attachments: files.map((f, i) => ({ id: attachmentId(`portal:${customerId}:${clientId}`, i), ...f })) },
    });
    return r.ticket;
  }

  /** A new request, on one of the customer's units or none. */
  async newRequest(customerId: string, input: { subject: string; body: string; unitId?: string | null }, clientId: string): Promise<TicketDoc> {
    const customer = await this.customer(customerId);
    const unit = input.unitId ? await this.unit(customerId, input.unitId) : null;
    const r = await this.d.inbound.receive({
      channel: 'web',
      customer: { name: customer.name, email: customer.emails[0] ?? null, locale: customer.locale as Locale },
      customerId: customer._id,
      open: { key: `portal-new:${customerId}:${clientId}`, subject: input.subject, team: 'support', product: unit ? { model: unit.model, serial: unit.serial } : undefined },
      message: { body: input.body, dedupeKey: `portal-new:${customerId}:${clientId}` },
    });
    return r.ticket;
  }

  async units(customerId: string): Promise<UnitView[]> {
    const list = await this.d.units.ofCustomer(customerId);
    return this.d.units.views(list);
  }

  async unit(customerId: string, unitId: string): Promise<UnitDoc> {
    const u = Types.ObjectId.isValid(unitId) ? await this.d.units.find(unitId) : null;
    if (!u || String(u.customerId) !== customerId) throw new NotFoundError('Unit');
    return u;
  }

  /** A unit by id whoever owns it (a booking link names its unit; the caller checks the owner). */
  async unitById(unitId: string): Promise<UnitDoc | null> {
    return Types.ObjectId.isValid(unitId) ? this.d.units.find(unitId) : null;
  }

  async unitView(customerId: string, unitId: string): Promise<UnitView> {
    const [view] = await this.d.units.views([await this.unit(customerId, unitId)]);
    return view;
  }

  /** Registers a unit on the customer (409 `duplicate_serial`, 422 `unknown_model` from the units module). */
  async register(customerId: string, input: { model: string; serial: string; purchaseDate: Date | null }): Promise<UnitDoc> {
    const customer = await this.customer(customerId);
    const unit = await this.d.units.register(customer._id, input, { type: 'customer', id: customerId, name: customer.name });
    await this.d.unitRegistered(unit);
    return unit;
  }
}
