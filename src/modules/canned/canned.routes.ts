import { Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { teamKey } from '../../http/schema-types';
import { LOCALES } from '../../core/types';
import { CannedModel, serializeCanned } from './canned.model';
import { ROLE_SETS } from '../../core/types';

const createBody = z.strictObject({
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(10_000),
  locale: z.enum(LOCALES).default('en'),
  team: teamKey.nullable().optional(),
});

export function cannedRoutes(api: ApiRegistry, Canned: CannedModel, teams: { exists(key: string): Promise<boolean> }): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/canned-responses', tag: 'canned', summary: 'Canned responses for your teams', auth: 'agent', query: z.strictObject({ locale: z.enum(LOCALES).optional() }) }, async ({ query, principal }) => {
    const visible = principal.visibleTeams();
    const filter: Record<string, unknown> = visible ? { team: { $in: [null, ...visible] } } : {};
    if (query.locale) filter.locale = query.locale;
    const list = await Canned.find(filter).sort({ locale: 1, title: 1 }).limit(500);
    return { responses: list.map(serializeCanned) };
  });
  api.route(r, { method: 'post', path: '/api/canned-responses', tag: 'canned', summary: 'Add a canned response (supervisors for their teams, managers for all)', auth: ROLE_SETS.leads, body: createBody, status: 201 }, async ({ body, principal }) => {
    if (body.team) {
      principal.assertTeam(body.team);
      if (!(await teams.exists(body.team))) throw new ValidationError(`Unknown team ${body.team}`);
    } else if (!principal.seesAllTeams) {
      principal.require(ROLE_SETS.allTeams);
    }
    const c = await Canned.create({ ...body, team: body.team ?? null, createdBy: principal.id });
    return serializeCanned(c);
  });
  return r;
}
