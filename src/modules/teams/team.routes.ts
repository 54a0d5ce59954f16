import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { email, teamKey } from '../../http/schema-types';
import type { TeamService } from './team.service';
import { serializeTeam } from './team.service';
import { ROLE_SETS } from '../../core/types';

const teamBody = z.strictObject({
  key: teamKey,
  name: z.string().trim().min(1).max(100),
  nameZh: z.string().max(100).optional(),
  addresses: z.array(email()).max(20).optional(),
  assignment: z.enum(['round_robin', 'least_loaded']).optional(),
  calendar: z.string().max(100).nullable().optional(),
});
const teamPatch = teamBody.omit({ key: true }).partial().extend({ active: z.boolean().optional() });

export function teamRoutes(api: ApiRegistry, teams: TeamService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/teams', tag: 'teams', summary: 'All teams', auth: 'agent' }, async () => ({ teams: (await teams.list()).map(serializeTeam) }));
  api.route(r, { method: 'post', path: '/api/teams', tag: 'teams', summary: 'Create a team (admin, manager)', auth: ROLE_SETS.managers, body: teamBody, status: 201, errors: [409] }, async ({ body, principal }) => serializeTeam(await teams.create(body, principal.actor)));
  api.route(r, { method: 'patch', path: '/api/teams/:key', tag: 'teams', summary: 'Edit or deactivate a team (admin, manager)', auth: ROLE_SETS.managers, params: z.strictObject({ key: teamKey }), body: teamPatch, errors: [409] }, async ({ params, body, principal }) =>
    serializeTeam(await teams.update(params.key, body, principal.actor)),
  );
  return r;
}
