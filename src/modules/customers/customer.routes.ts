import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { email } from '../../http/schema-types';
import type { AuditLog } from '../audit/audit.service';
import { objectId } from '../tickets/ticket.schemas';
import type { Types } from 'mongoose';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { type Actor, LOCALES } from '../../core/types';
import type { CustomerAccess } from './customer.access';
import { serializeCustomerDoc } from './customer.serialize';
import type { CustomerService } from './customer.service';

const customerPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  locale: z.enum(LOCALES).optional(),
  company: z.string().max(200).nullable().optional(),
  notes: z.string().max(5000).optional(),
  emails: z.array(email()).max(10).optional(),
  phones: z.array(z.string().regex(/^\+?[\d\s()-]{3,32}$/)).max(10).optional(),
});

/** What else moves with a merged customer record (their units: registered with the customers module's onMerge). */
export type MoveCustomer = (from: Types.ObjectId, into: Types.ObjectId, actor: Actor) => Promise<void>;

/** The customer archive, scoped by CustomerAccess: agents see the customers of their teams' tickets. */
export function customerRoutes(api: ApiRegistry, d: { customers: CustomerService; access: CustomerAccess; tickets: Pick<TicketUpdates, 'moveCustomer'>; audit: AuditLog; moveAlso: MoveCustomer }): Router {
  const r = Router();
  const view = serializeCustomerDoc;
  api.route(r, { method: 'get', path: '/api/customers/lookup', tag: 'customers', summary: 'Find a customer of your teams by email or phone (null when none)', auth: 'agent', query: z.strictObject({ email: z.string().max(254).optional(), phone: z.string().max(32).optional() }) }, async ({ query, principal }) => {
    const c = await d.access.lookup(query, principal);
    return { customer: c ? view(c) : null };
  });
  api.route(r, { method: 'get', path: '/api/customers/:id', tag: 'customers', summary: 'A customer record of your teams', auth: 'agent', params: z.strictObject({ id: objectId }) }, async ({ params, principal }) => view(await d.access.get(params.id, principal)));
  api.route(r, { method: 'patch', path: '/api/customers/:id', tag: 'customers', summary: 'Edit a customer record of your teams (contacts, language, notes); units are registered with POST /api/customers/:id/units', auth: 'agent', params: z.strictObject({ id: objectId }), body: customerPatch, errors: [409] }, async ({ params, body, principal }) => {
    const c = await d.access.get(params.id, principal);
    return view(await d.customers.update(String(c._id), body));
  });
  api.route(
    r,
    { method: 'post', path: '/api/customers/:id/merge', tag: 'customers', summary: 'Merge another customer record into this one (supervisors within the teams they lead, managers); audited', auth: 'agent', params: z.strictObject({ id: objectId }), body: z.strictObject({ from: objectId }), errors: [409] },
    async ({ params, body, principal }) => {
      const [into, from] = await Promise.all([d.access.get(params.id, principal), d.access.get(body.from, principal)]);
      await d.access.assertMayMerge(into, from, principal);
      const actor = { type: 'agent' as const, id: principal.id, name: principal.name };
      const merged = await d.customers.merge(into, from, actor, async (fromId, intoId) => {
        const moved = await d.tickets.moveCustomer(fromId, intoId);
        for (const t of moved) await d.audit.record(t, actor, 'customer_merged', { customer: [String(fromId), String(intoId)] });
        await d.moveAlso(fromId, intoId, actor);
        return moved.map((t) => t.number);
      });
      return view(merged);
    },
  );
  return r;
}
