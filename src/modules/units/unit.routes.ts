import { Router } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { customerIdParams, findUnitQuery, overrideBody, registerUnitBody, unitHistoryView, unitIdParams, unitView } from './unit.schemas';
import type { UnitService } from './unit.service';
import { purchaseInstant } from './warranty';

export function unitRoutes(api: ApiRegistry, units: UnitService): Router {
  const r = Router();
  api.components.Unit = unitView;

  api.route(
    r,
    { method: 'post', path: '/api/customers/:id/units', tag: 'units', summary: 'Register a unit (a product the customer owns) by model and serial; the serial is unique per model (409 duplicate_serial)', auth: 'agent', params: customerIdParams, body: registerUnitBody, status: 201, response: unitView },
    async ({ params, body, principal }) => {
      const unit = await units.register(params.id, { model: body.model, serial: body.serial, purchaseDate: purchaseInstant(body.purchaseDate, units.timeZone), purchasedFrom: body.purchasedFrom ?? null }, { type: 'agent', id: principal.id, name: principal.name });
      return units.view(unit);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/customers/:id/units', tag: 'units', summary: 'The units a customer owns, with their warranty and entitlement', auth: 'agent', params: customerIdParams, response: z.object({ units: z.array(unitView) }) },
    async ({ params }) => ({ units: await units.views(await units.ofCustomer(params.id)) }),
  );

  api.route(
    r,
    { method: 'get', path: '/api/units', tag: 'units', summary: 'Find a unit by serial (add model when two models share a serial: 409 ambiguous_serial)', auth: 'agent', query: findUnitQuery, response: unitView },
    async ({ query }) => {
      const found = await units.bySerial(query.serial, query.model);
      if (!found.length) throw new NotFoundError(`Unit with serial ${query.serial}`);
      if (found.length > 1) throw new ConflictError('Several models carry this serial; add model=', 'ambiguous_serial', { models: found.map((u) => u.model) });
      return units.view(found[0]);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/units/:id', tag: 'units', summary: 'One unit with its warranty and entitlement', auth: 'agent', params: unitIdParams, response: unitView },
    async ({ params }) => units.view(await units.byId(params.id)),
  );

  api.route(
    r,
    { method: 'patch', path: '/api/units/:id/warranty', tag: 'units', summary: 'Override the computed warranty with a reason (team warranty, its supervisors, managers); status null returns to the rule; audited', auth: 'agent', params: unitIdParams, body: overrideBody, response: unitView },
    async ({ params, body, principal }) => units.view(await units.setOverride(params.id, body, principal)),
  );

  api.route(
    r,
    { method: 'get', path: '/api/units/:id/history', tag: 'units', summary: 'Who registered, decided or exchanged the unit, and when', auth: 'agent', params: unitIdParams, response: unitHistoryView },
    async ({ params }) => ({ entries: await units.history((await units.byId(params.id))._id) }),
  );

  return r;
}
