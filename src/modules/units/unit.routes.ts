import { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { customerIdParams, findUnitQuery, overrideBody, registerUnitBody, unitHistoryView, unitIdParams, unitView } from './unit.schemas';
import type { UnitAccess } from './unit.access';
import type { UnitService } from './unit.service';
import { purchaseInstant } from './warranty';

export function unitRoutes(api: ApiRegistry, units: UnitService, access: UnitAccess): Router {
  const r = Router();
  api.components.Unit = unitView;

  api.route(
    r,
    { method: 'post', path: '/api/customers/:id/units', tag: 'units', summary: 'Register a unit (a product the customer owns) on a customer of your teams by model and serial; the serial is unique per model (409 duplicate_serial)', auth: 'agent', params: customerIdParams, body: registerUnitBody, status: 201, response: unitView },
    async ({ params, body, principal }) => {
      const customer = await access.customer(params.id, principal);
      const unit = await units.register(customer._id, { model: body.model, serial: body.serial, purchaseDate: purchaseInstant(body.purchaseDate, units.timeZone), purchasedFrom: body.purchasedFrom ?? null }, { type: 'agent', id: principal.id, name: principal.name });
      return units.view(unit);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/customers/:id/units', tag: 'units', summary: 'The units a customer owns, with their warranty and entitlement', auth: 'agent', params: customerIdParams, response: z.object({ units: z.array(unitView) }) },
    async ({ params, principal }) => ({ units: await units.views(await units.ofCustomer((await access.customer(params.id, principal))._id)) }),
  );

  api.route(
    r,
    { method: 'get', path: '/api/units', tag: 'units', summary: 'Find a unit of your teams\' customers by serial (add model when two models share a serial: 409 ambiguous_serial)', auth: 'agent', query: findUnitQuery, errors: [404, 409], response: unitView },
    async ({ query, principal }) => {
      const found = await access.bySerial(query.serial, query.model, principal);
      if (!found.length) throw new NotFoundError(`Unit with serial ${query.serial}`);
      if (found.length > 1) throw new ConflictError('Several models carry this serial; add model=', 'ambiguous_serial', { models: found.map((u) => u.model) });
      return units.view(found[0]);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/units/:id', tag: 'units', summary: 'One unit with its warranty and entitlement', auth: 'agent', params: unitIdParams, response: unitView },
    async ({ params, principal }) => units.view(await access.unit(params.id, principal)),
  );

  api.route(
    r,
    { method: 'patch', path: '/api/units/:id/warranty', tag: 'units', summary: 'Override the computed warranty with a reason (team warranty, its supervisors, managers); status null returns to the rule; audited', auth: 'agent', params: unitIdParams, body: overrideBody, response: unitView },
    async ({ params, body, principal }) => units.view(await units.setOverride((await access.unit(params.id, principal))._id, body, principal)),
  );

  api.route(
    r,
    { method: 'get', path: '/api/units/:id/history', tag: 'units', summary: 'Who registered, decided or exchanged the unit, and when', auth: 'agent', params: unitIdParams, response: unitHistoryView },
    async ({ params, principal }) => ({ entries: await units.history((await access.unit(params.id, principal))._id) }),
  );

  return r;
}
