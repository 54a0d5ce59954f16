import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { email, teamKey } from '../../http/schema-types';
import { objectId } from '../tickets/ticket.schemas';
import { PRESENCE } from './agent.model';
import type { AgentService } from './agent.service';
import { serializeAgent } from './agent.service';
import { LOCALES, ROLE_SETS, ROLES } from '../../core/types';

const agentBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: email(),
  password: z.string().min(8).max(200),
  role: z.enum(ROLES),
  teams: z.array(teamKey).max(20),
  locale: z.enum(LOCALES).optional(),
  chatCapacity: z.number().int().min(0).max(50).optional(),
  phone: z.string().max(32).nullable().optional(),
});
const agentPatch = agentBody.partial().extend({ active: z.boolean().optional() });
const idParams = z.strictObject({ id: objectId });

export function agentRoutes(api: ApiRegistry, agents: AgentService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/agents', tag: 'agents', summary: 'Agents of your teams (all for managers)', auth: 'agent', query: z.strictObject({ team: teamKey.optional() }) }, async ({ query, principal }) => {
    const list = await agents.list({ team: query.team, includeInactive: principal.role === 'admin' });
    const visible = principal.visibleTeams();
    return { agents: list.filter((a) => !visible || a.teams.some((t) => visible.includes(t))).map(serializeAgent) };
  });
  api.route(r, { method: 'post', path: '/api/agents', tag: 'agents', summary: 'Create an agent (admin)', auth: ROLE_SETS.admins, body: agentBody, status: 201, errors: [409] }, async ({ body }) => serializeAgent(await agents.create(body)));
  api.route(r, { method: 'patch', path: '/api/agents/:id', tag: 'agents', summary: 'Edit or deactivate an agent (admin)', auth: ROLE_SETS.admins, params: idParams, body: agentPatch, errors: [409] }, async ({ params, body }) =>
    serializeAgent(await agents.update(params.id, body)),
  );
  api.route(r, { method: 'put', path: '/api/agents/me/presence', tag: 'agents', summary: 'Set your presence', auth: 'agent', body: z.strictObject({ status: z.enum(PRESENCE) }) }, async ({ body, principal }) => {
    await agents.setPresence(principal.id, body.status);
    return serializeAgent(await agents.get(principal.id));
  });
  return r;
}
