import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { teamKey } from '../../http/schema-types';
import { LOCALES, ROLE_SETS } from '../../core/types';
import { objectId } from '../tickets/ticket.schemas';
import { serializeCanned } from './canned.model';
import type { CannedService } from './canned.service';

const cannedBody = z.strictObject({
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(10_000),
  locale: z.enum(LOCALES).default('en'),
  team: teamKey.nullable().optional(),
});
const idParams = z.strictObject({ id: objectId });

export function cannedRoutes(api: ApiRegistry, canned: CannedService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/canned-responses', tag: 'canned', summary: 'Canned responses for your teams', auth: 'agent', query: z.strictObject({ locale: z.enum(LOCALES).optional(), team: teamKey.optional() }) }, async ({ query, principal }) => ({
    responses: (await canned.list(principal, query)).map(serializeCanned),
  }));
  api.route(r, { method: 'post', path: '/api/canned-responses', tag: 'canned', summary: 'Add a canned response (supervisors for their teams, managers for all)', auth: ROLE_SETS.leads, body: cannedBody, status: 201 }, async ({ body, principal }) =>
    serializeCanned(await canned.create(body, principal)),
  );
  api.route(r, { method: 'put', path: '/api/canned-responses/:id', tag: 'canned', summary: 'Change a canned response (supervisors for their teams, managers for all)', auth: ROLE_SETS.leads, params: idParams, body: cannedBody }, async ({ params, body, principal }) =>
    serializeCanned(await canned.update(params.id, body, principal)),
  );
  api.route(r, { method: 'delete', path: '/api/canned-responses/:id', tag: 'canned', summary: 'Delete a canned response (supervisors for their teams, managers for all)', auth: ROLE_SETS.leads, params: idParams }, async ({ params, principal }) => {
    await canned.remove(params.id, principal);
  });
  return r;
}
