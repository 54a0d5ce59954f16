import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { LOCALES } from '../../core/types';
import type { AgentService } from '../agents/agent.service';
import { requestIp } from '../../http/client-ip';
import type { AuthService } from './auth.service';

const loginBody = z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) });
const agentShape = z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() });

const mePatch = z.strictObject({ locale: z.enum(LOCALES).optional() }).refine((b) => Object.keys(b).length > 0, 'nothing to change');

export function authRoutes(api: ApiRegistry, auth: AuthService, agents: Pick<AgentService, 'updateOwn'>): Router {
  const r = Router();
  api.route(
    r,
    { method: 'post', path: '/api/auth/login', tag: 'auth', summary: 'Sign in; answers a bearer token', auth: 'public', errors: [401, 429], body: loginBody, response: z.object({ token: z.string(), agent: agentShape }) },
    async ({ body, req }) => auth.login(body.email, body.password, requestIp(req)),
  );
  api.route(r, { method: 'post', path: '/api/auth/logout', tag: 'auth', summary: 'Revoke this token', auth: 'agent', status: 204 }, async ({ principal }) => {
    await auth.logout(principal);
  });
  api.route(r, { method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'The signed-in agent', auth: 'agent' }, async ({ principal }) => principal.toJSON());
  api.route(r, { method: 'patch', path: '/api/auth/me', tag: 'auth', summary: 'Your own settings: the language of the console and of the mails you get', auth: 'agent', body: mePatch }, async ({ principal, body }) => {
    const a = await agents.updateOwn(principal.id, body);
    return { ...principal.toJSON(), locale: a.locale };
  });
  return r;
}
