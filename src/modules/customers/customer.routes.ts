import { Router } from 'express';
import { z } from 'zod';
import { ForbiddenError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { serializeCustomerDoc } from '../tickets/ticket.routes';
import { objectId } from '../tickets/ticket.schemas';
import type { Types } from 'mongoose';
import type { Actor } from '../tickets/ticket.types';
import { LOCALES } from '../tickets/ticket.types';
import type { CustomerService } from './customer.service';

const customerPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  locale: z.enum(LOCALES).optional(),
  company: z.string().max(200).nullable().optional(),
  notes: z.string().max(5000).optional(),
  emails: z.array(z.email()).max(10).optional(),
  phones: z.array(z.string().regex(/^\+?[\d\s()-]{3,32}$/)).max(10).optional(),
});

/** What moves with a merged customer record besides contacts: tickets, units. */
export type MoveCustomer = (from: Types.ObjectId, into: Types.ObjectId, actor: Actor) => Promise<void>;

export function customerRoutes(api: ApiRegistry, customers: CustomerService, moveCustomer: MoveCustomer): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/customers/lookup', tag: 'customers', summary: 'Find a customer by email or phone', auth: 'agent', query: z.strictObject({ email: z.string().max(254).optional(), phone: z.string().max(32).optional() }) }, async ({ query }) => {
    const c = await customers.findByContact(query);
    return { customer: c ? serializeCustomerDoc(c) : null };
  });
  api.route(r, { method: 'get', path: '/api/customers/:id', tag: 'customers', summary: 'A customer record', auth: 'agent', params: z.strictObject({ id: objectId }) }, async ({ params }) => serializeCustomerDoc(await customers.get(params.id)));
  api.route(r, { method: 'patch', path: '/api/customers/:id', tag: 'customers', summary: 'Edit a customer record (contacts, language, notes); units are registered with POST /api/customers/:id/units', auth: 'agent', params: z.strictObject({ id: objectId }), body: customerPatch }, async ({ params, body }) =>
    serializeCustomerDoc(await customers.update(params.id, body)),
  );
  api.route(r, { method: 'post', path: '/api/customers/:id/merge', tag: 'customers', summary: 'Merge another customer record into this one', auth: 'agent', params: z.strictObject({ id: objectId }), body: z.strictObject({ from: objectId }) }, async ({ params, body, principal }) => {
    if (principal.role === 'agent' || principal.role === 'engineer') throw new ForbiddenError('Merging customers needs a supervisor');
    return serializeCustomerDoc(await customers.merge(params.id, body.from, (from, into) => moveCustomer(from, into, { type: 'agent', id: principal.id, name: principal.name })));
  });
  return r;
}
