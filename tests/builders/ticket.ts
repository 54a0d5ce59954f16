import type { Channel } from '../../src/core/types';
import type { CreateTicketInput } from '../../src/modules/tickets/ticket.service';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

/** A customer nobody else in the test database has: a name and an email address of their own. */
export function buildCustomer(over: { name?: string; email?: string; phone?: string; locale?: 'en' | 'zh-CN' } = {}) {
  const id = next();
  const name = over.name ?? `Customer ${id}`;
  return { name, email: over.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${id}@example.com`, ...(over.phone ? { phone: over.phone } : {}), ...(over.locale ? { locale: over.locale } : {}) };
}

/** What POST /api/tickets takes: an inquiry to support, registered by an agent; the test overrides what it is about. */
export function buildTicketBody(over: Partial<{ channel: Channel; subject: string; body: string; team: string; type: string; priority: string; customer: Record<string, unknown> }> = {}) {
  return { channel: 'voice' as Channel, subject: 'Compressor noise', body: 'Loud noise since this morning', team: 'support', customer: buildCustomer(), ...over };
}

/**
 * What TicketService.create takes: a ticket of `channel` to support from a fresh customer, with
 * the customer's first words (`message: null` for none).
 */
export function buildTicket(over: Partial<Omit<CreateTicketInput, 'message'>> & { body?: string | null } = {}): CreateTicketInput {
  const { body = 'It stopped working.', ...rest } = over;
  const channel = rest.channel ?? 'email';
  const customer = rest.customer ?? buildCustomer();
  return {
    channel,
    subject: 'It stopped working',
    team: 'support',
    customer,
    ...rest,
    ...(body === null ? {} : { message: { channel, body, author: { type: 'customer' as const, name: customer.name ?? 'Customer' } } }),
  };
}

/** An SLA policy as POST /api/sla-policies takes it. */
export function buildPolicy(over: { name?: string; order?: number; match?: Record<string, string>; targets?: Record<string, string>; calendar?: string | null } = {}) {
  return { name: over.name ?? `Policy ${next()}`, order: over.order ?? 1, match: over.match ?? {}, targets: over.targets ?? { firstResponse: 'PT1H' }, ...(over.calendar !== undefined ? { calendar: over.calendar } : {}) };
}
