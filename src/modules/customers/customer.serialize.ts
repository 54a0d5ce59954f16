import type { CustomerDoc } from './customer.model';

/** A customer record as the API shows it: contacts, language and notes; the units they own are at GET /api/customers/:id/units. */
export function serializeCustomerDoc(c: CustomerDoc) {
  return {
    id: String(c._id),
    name: c.name,
    emails: c.emails,
    phones: c.phones,
    locale: c.locale,
    company: c.company ?? null,
    notes: c.notes,
    teams: c.teams ?? [],
    merges: (c.merges ?? []).map((m) => ({ from: String(m.from), by: m.by ?? null, at: m.at ?? null, tickets: m.tickets ?? [] })),
    createdAt: (c as unknown as { createdAt: Date }).createdAt,
  };
}
