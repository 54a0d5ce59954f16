import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { requestIp } from '../../http/client-ip';
import type { AuthService } from './auth.service';

const loginBody = z.strictObject({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(200) });
const agentShape = z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.string() });

export function authRoutes(api: ApiRegistry, auth: AuthService): Router {
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
  return r;
}
