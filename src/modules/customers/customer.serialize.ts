import type { CustomerDoc } from './customer.model';
import type { CustomerService } from './customer.service';

/** A customer record as the API shows it: contacts, notes and products with their warranty state. */
export function serializeCustomerDoc(c: CustomerDoc, customers: Pick<CustomerService, 'warrantyStatus'>) {
  return {
    id: String(c._id),
    name: c.name,
    emails: c.emails,
    phones: c.phones,
    locale: c.locale,
    company: c.company ?? null,
    notes: c.notes,
    products: c.products.map((p) => ({
      id: String(p._id),
      model: p.model,
      serial: p.serial ?? null,
      purchaseDate: p.purchaseDate ?? null,
      warrantyExpires: p.warrantyExpires ?? null,
      warranty: customers.warrantyStatus(c, p.serial ?? p.model),
    })),
    teams: c.teams ?? [],
    merges: (c.merges ?? []).map((m) => ({ from: String(m.from), by: m.by ?? null, at: m.at ?? null, tickets: m.tickets ?? [] })),
    createdAt: (c as unknown as { createdAt: Date }).createdAt,
  };
}
