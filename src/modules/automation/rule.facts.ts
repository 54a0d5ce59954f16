import type { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { CustomerDoc } from '../customers/customer.model';
import type { MessageDoc } from '../tickets/message.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges } from '../tickets/ticket.observers';
import type { UnitService } from '../units/unit.service';
import type { Facts } from './conditions';

/** The unit a ticket is about, as the units module knows it (the default reads the customer's products). */
export interface UnitFacts {
  model: string | null;
  serial: string | null;
  warranty: 'in' | 'out' | 'unknown';
  /** the unit's custom fields (`unit.fields.<key>` conditions) */
  fields?: Record<string, unknown>;
}
export type UnitLookup = (ticket: TicketDoc, customer: CustomerDoc | null) => Promise<UnitFacts | null>;

/** A work order or a return the event is about: its fresh data and what the event changed of it. */
export interface LinkedRecord {
  kind: 'workorder' | 'return';
  data: Record<string, unknown>;
  changes?: Record<string, [unknown, unknown]>;
}

export interface FactSources {
  customer(id: Types.ObjectId | string): Promise<CustomerDoc | null>;
  message(id: string): Promise<MessageDoc | null>;
  unit: UnitLookup;
  clock: Clock;
}

const TICKET_CHANGE_FIELDS: Record<string, string> = {
  status: 'ticket.status',
  priority: 'ticket.priority',
  type: 'ticket.type',
  team: 'ticket.team',
  assignee: 'ticket.assignee',
  subject: 'ticket.subject',
  channel: 'ticket.channel',
  tags: 'ticket.tags',
};

/** A ticket change keyed by condition field name (`status` → `ticket.status`; `fields.<key>` stays). */
export function changeFacts(changes: TicketChanges | null | undefined, record?: LinkedRecord | null): Record<string, [unknown, unknown]> | null {
  if (!changes && !record?.changes) return null;
  const out: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(changes ?? {})) if (v) out[TICKET_CHANGE_FIELDS[k] ?? k] = v;
  for (const [k, v] of Object.entries(record?.changes ?? {})) out[`${record!.kind}.${k}`] = v;
  return out;
}

/** A target's SLA state as a manager reads it: an active target past its due time is breached. */
export function slaState(t: { status?: string | null; dueAt?: Date | null } | null | undefined, now: Date): string | null {
  if (!t?.status) return null;
  if (t.status === 'active' && t.dueAt && t.dueAt.getTime() <= now.getTime()) return 'breached';
  return t.status;
}

/** The facts of one event on a ticket. `message`: the message of the event; undefined reads the ticket's latest (a new ticket's first). */
export function ticketFacts(ticket: TicketDoc, src: FactSources, opts: { message?: MessageDoc | null; changes?: TicketChanges | null; record?: LinkedRecord | null } = {}): Facts {
  const once = <T>(load: () => Promise<T>) => {
    let p: Promise<T> | null = null;
    return () => (p ??= load());
  };
  const customer = once(() => src.customer(ticket.customerId as Types.ObjectId).catch(() => null));
  const message = once(async () => (opts.message !== undefined ? opts.message : ticket.lastMessageId ? src.message(ticket.lastMessageId) : null));
  const unit = once(async () => src.unit(ticket, await customer()));
  const fields = (ticket.fields ?? {}) as Record<string, unknown>;
  const now = () => src.clock.now();
  return {
    changes: changeFacts(opts.changes, opts.record),
    async get(field: string): Promise<unknown> {
      if (field.startsWith('fields.')) return fields[field.slice(7)] ?? null;
      const [scope, ...rest] = field.split('.');
      const name = rest.join('.');
      switch (scope) {
        case 'ticket':
          switch (name) {
            case 'assignee':
              return ticket.assigneeId ? String(ticket.assigneeId) : null;
            case 'product.model':
              return ticket.product?.model ?? null;
            case 'sla.firstResponse':
              return slaState(ticket.sla?.firstResponse, now());
            case 'sla.resolution':
              return slaState(ticket.sla?.resolution, now());
            default:
              return (ticket as unknown as Record<string, unknown>)[name] ?? null;
          }
        case 'customer': {
          const c = await customer();
          if (!c) return null;
          if (name === 'email') return c.emails.join(' ');
          if (name === 'phone') return c.phones.join(' ');
          return (c as unknown as Record<string, unknown>)[name] ?? null;
        }
        case 'unit': {
          const u = await unit();
          if (name.startsWith('fields.')) return u?.fields?.[name.slice(7)] ?? null;
          return u ? (u as unknown as Record<string, unknown>)[name] ?? null : name === 'warranty' ? 'unknown' : null;
        }
        case 'message': {
          const m = await message();
          if (!m) return null;
          if (name === 'author') return m.author.type;
          return (m as unknown as Record<string, unknown>)[name] ?? null;
        }
        case 'workorder':
        case 'return':
          return opts.record?.kind === scope ? (opts.record.data[name] ?? null) : null;
        default:
          return null;
      }
    },
  };
}

/** Without a units module: the product named on the ticket, warranty unknown. */
export const productOnTicket: UnitLookup = async (ticket) => {
  const model = ticket.product?.model ?? null;
  const serial = ticket.product?.serial ?? null;
  return model || serial ? { model, serial, warranty: 'unknown' } : null;
};

/**
 * The unit a ticket is about, from the units module: the linked unit with its warranty now (an
 * override counts); a ticket with only a product named on it has that model and serial, warranty unknown.
 */
export function unitFacts(units: Pick<UnitService, 'find' | 'warrantyOf'>): UnitLookup {
  return async (ticket, customer) => {
    const unit = ticket.unitId ? await units.find(ticket.unitId as Types.ObjectId) : null;
    if (!unit) return productOnTicket(ticket, customer);
    return { model: unit.model, serial: unit.serial, warranty: (await units.warrantyOf(unit)).status, fields: (unit.fields ?? {}) as Record<string, unknown> };
  };
}
