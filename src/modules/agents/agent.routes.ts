import { Router } from 'express';
import { z } from 'zod';
import { ForbiddenError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { email, teamKey } from '../../http/schema-types';
import type { Principal } from '../auth/principal';
import { objectId } from '../tickets/ticket.schemas';
import type { AgentInvitations } from './agent.invite';
import { PRESENCE, type AgentDoc } from './agent.model';
import type { AgentService } from './agent.service';
import { serializeAgent } from './agent.service';
import { hasRole, LOCALES, ROLE_SETS, ROLES, type Role } from '../../core/types';

const password = z.string().min(8, 'at least 8 characters').max(200);
const agentBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: email(),
  /** absent: the agent is invited by mail and chooses a password from the link */
  password: password.optional(),
  role: z.enum(ROLES),
  teams: z.array(teamKey).max(20),
  locale: z.enum(LOCALES).optional(),
  chatCapacity: z.number().int().min(0).max(50).optional(),
  phone: z.string().max(32).nullable().optional(),
});
const agentPatch = agentBody.partial().extend({ active: z.boolean().optional() });
const idParams = z.strictObject({ id: objectId });
const setPasswordBody = z.strictObject({ token: z.string().min(20).max(200), password });
const tokenQuery = z.strictObject({ token: z.string().min(20).max(200) });

/**
 * Who may manage whom: admins everyone; managers every agent who is not an admin (and may not make
 * one); a supervisor only the chat capacity of the agents of the teams they lead.
 */
function assertMayManage(p: Principal, target: { role: string; teams: readonly string[] } | null, patch: { role?: Role; [k: string]: unknown }): void {
  if (p.role === 'admin') return;
  if (p.role === 'manager') {
    if (target?.role === 'admin' || patch.role === 'admin') throw new ForbiddenError('Only an admin can manage admins');
    return;
  }
  if (p.role === 'supervisor' && target && Object.keys(patch).every((k) => k === 'chatCapacity') && target.teams.some((t) => p.teams.includes(t)) && target.role === 'agent') return;
  throw new ForbiddenError('Only a manager or an admin can manage agents');
}

export function agentRoutes(api: ApiRegistry, agents: AgentService, invitations: AgentInvitations): Router {
  const r = Router();
  const view = (a: AgentDoc) => serializeAgent(a);
  api.route(r, { method: 'get', path: '/api/agents', tag: 'agents', summary: 'Agents of your teams (all for managers; deactivated ones too for managers and admins)', auth: 'agent', query: z.strictObject({ team: teamKey.optional(), includeInactive: z.enum(['true', 'false']).optional() }) }, async ({ query, principal }) => {
    const list = await agents.list({ team: query.team, includeInactive: query.includeInactive === 'true' && hasRole(principal.role, ROLE_SETS.managers) });
    const visible = principal.visibleTeams();
    return { agents: list.filter((a) => !visible || a.teams.some((t) => visible.includes(t))).map(view) };
  });
  api.route(r, { method: 'post', path: '/api/agents', tag: 'agents', summary: 'Create an agent; without a password the agent gets an invitation mail with a set-password link (managers, admins)', auth: ROLE_SETS.managers, body: agentBody, status: 201, errors: [409] }, async ({ body, principal }) => {
    assertMayManage(principal, null, body);
    const a = await agents.create({ ...body, locale: body.locale ?? (principal.locale as 'en' | 'zh-CN') }, principal.actor);
    if (!body.password) await invitations.send(a, 'invite', principal.actor);
    return view(a);
  });
  api.route(r, { method: 'patch', path: '/api/agents/:id', tag: 'agents', summary: 'Edit an agent: role, teams, language, capacity, deactivate (managers, admins; supervisors: chat capacity of their agents)', auth: ROLE_SETS.leads, params: idParams, body: agentPatch, errors: [409] }, async ({ params, body, principal }) => {
    const target = await agents.get(params.id);
    assertMayManage(principal, target, body);
    if (params.id === principal.id && (body.active === false || (body.role && body.role !== principal.role))) throw new ForbiddenError('You cannot deactivate yourself or change your own role');
    return view(await agents.update(params.id, body, principal.actor));
  });
  api.route(r, { method: 'post', path: '/api/agents/:id/password-reset', tag: 'agents', summary: 'Mail the agent a link to choose a new password (managers, admins)', auth: ROLE_SETS.managers, params: idParams, status: 202 }, async ({ params, principal }) => {
    const target = await agents.get(params.id);
    assertMayManage(principal, target, {});
    await invitations.send(target, target.active ? 'reset' : 'invite', principal.actor);
    return { sent: true };
  });
  api.route(r, { method: 'get', path: '/api/auth/password', tag: 'auth', summary: 'Whom a set-password link is for (it stays valid)', auth: 'public', query: tokenQuery, errors: [410] }, async ({ query }) => invitations.peek(query.token));
  api.route(r, { method: 'post', path: '/api/auth/password', tag: 'auth', summary: 'Choose a password with the link of an invitation or reset mail (the link works once)', auth: 'public', body: setPasswordBody, errors: [410] }, async ({ body }) => invitations.setPassword(body.token, body.password));
  api.route(r, { method: 'put', path: '/api/agents/me/presence', tag: 'agents', summary: 'Set your presence', auth: 'agent', body: z.strictObject({ status: z.enum(PRESENCE) }) }, async ({ body, principal }) => {
    await agents.setPresence(principal.id, body.status);
    return view(await agents.get(principal.id));
  });
  return r;
}
