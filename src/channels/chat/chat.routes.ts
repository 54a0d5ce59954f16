import path from 'node:path';
import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import { requestIp } from '../../http/client-ip';
import { allowEmbedding } from '../../http/security-headers';
import { NotFoundError, TooManyRequestsError } from '../../errors';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AgentAvailability } from './chat.availability';
import { availabilityQuery, offlineResult, offlineSchema } from './chat.schemas';
import type { ChatService } from './chat.service';

const WIDGET = path.resolve(__dirname, '..', '..', '..', 'public', 'build', 'chat-widget.js');

/** The widget script, the availability probe and the offline form for pages that post it without a socket. */
export function chatRoutes(api: ApiRegistry, deps: { chat: ChatService; availability: AgentAvailability; defaultTeam: string; offlineLimiter: RateLimiterRedis }): Router {
  const r = Router();
  // Not built (a bare `npm run api` without `npm run build`): a plain 404 naming the file, never the server's path.
  const missing = (name: string) => new NotFoundError(`${name} (the bundle is not built: npm run build)`);
  // embedded by <script src> on other sites: loadable cross-origin
  r.use(['/chat-widget.js', '/chat-widget.js.map'], allowEmbedding);
  r.get('/chat-widget.js', (_req, res, next) => {
    res.sendFile(WIDGET, { headers: { 'Content-Type': 'application/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' } }, (err) => err && next(res.headersSent ? err : missing('chat-widget.js')));
  });
  r.get('/chat-widget.js.map', (_req, res, next) => {
    res.sendFile(`${WIDGET}.map`, (err) => err && next(res.headersSent ? err : missing('chat-widget.js.map')));
  });

  api.route(r, { method: 'get', path: '/api/chat/availability', tag: 'chat', summary: 'Whether an agent of the team is online to chat', auth: 'public', query: availabilityQuery }, async ({ query }) => {
    const team = query.team ?? deps.defaultTeam;
    return { team, agentsOnline: await deps.availability.online(team) };
  });

  api.route(
    r,
    { method: 'post', path: '/api/chat/offline', tag: 'chat', summary: 'The widget\'s offline form: a ticket answered by email', auth: 'public', body: offlineSchema, response: offlineResult, status: 201, errors: [429] },
    async ({ body, req }) => {
      try {
        await deps.offlineLimiter.consume(requestIp(req));
      } catch (err) {
        if (err instanceof RateLimiterRes) throw new TooManyRequestsError('Too many messages; wait a moment', Math.ceil(err.msBeforeNext / 1000));
        throw err;
      }
      const t = await deps.chat.offline(body, deps.defaultTeam);
      return { ticketNumber: t.number };
    },
  );
  return r;
}
