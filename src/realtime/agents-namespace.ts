import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { Container } from '../container';
import { AppError, errorBody, ValidationError } from '../errors';
import type { Logger } from '../logger';
import { PRESENCE } from '../modules/agents/agent.model';
import type { PresenceService } from '../modules/routing/presence.service';
import type { TicketViewers } from '../modules/routing/ticket-viewers';
import type { TicketService } from '../modules/tickets/ticket.service';
import type { Principal } from '../modules/auth/principal';
import { rooms } from './realtime';

export interface AgentSocketData {
  principal: Principal;
}

/**
 * /agents: authenticated in the handshake with the bearer token; each socket joins its own room,
 * one room per team it works in (managers: every team) and its role's room.
 */
export function setupAgentsNamespace(ns: Namespace, c: Container): void {
  ns.use(async (socket, next) => {
    try {
      const token = (socket.handshake.auth as { token?: string })?.token;
      socket.data.principal = await c.auth.authenticate(token);
      next();
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError(401, 'unauthorized', 'Authentication failed');
      next(Object.assign(new Error(e.message), { data: errorBody(e) }));
    }
  });
  ns.on('connection', (socket) => {
    const p: Principal = socket.data.principal;
    const joined = [rooms.agent(p.id), rooms.session(p.tokenHash), rooms.role(p.role), ...(p.seesAllTeams ? [rooms.allTeams] : p.teams.map(rooms.team))];
    void socket.join(joined);
  });
}

// ---- presence, ticket viewers and typing (wired by the routing module) ---------------------------

const ticketRef = z.strictObject({ ticketNumber: z.number().int().positive() });
// not strict: the chat channel may read the same event to tell the visitor an agent is typing
const typingBody = z.object({ ticketNumber: z.number().int().positive(), typing: z.boolean().optional() });
const presenceBody = z.strictObject({ status: z.enum(PRESENCE) });

type Ack = (answer: unknown) => void;

export interface AgentSocketDeps {
  presence: PresenceService;
  viewers: TicketViewers;
  tickets: TicketService;
  log: Logger;
}

/**
 * Client → server events of /agents: `presence:set` {status}, `ticket:join` / `ticket:leave`
 * {ticketNumber}, `typing` {ticketNumber, typing?}. Each payload is validated; the ack answers
 * the result or `{error:{code,message}}`. The sockets an agent holds are counted in Redis so the
 * agent goes offline when the last one closes, on whichever API process it was.
 */
export function agentSocketHandlers(ns: Namespace, d: AgentSocketDeps): { stop(): Promise<void> } {
  // this node's sockets and their clean-up, so a stopping node leaves no stale presence in Redis
  const live = new Map<string, () => Promise<void>>();
  const pending = new Set<Promise<void>>();
  ns.on('connection', (socket) => {
    const p: Principal = socket.data.principal;
    const me = { id: p.id, name: p.name };
    const joined = new Set<number>();
    const connected = d.presence.socketConnected(p.id, socket.id).catch((err) => d.log.warn({ err, agent: p.id }, 'presence count failed'));

    const handle = <T>(schema: z.ZodType<T>, fn: (body: T) => Promise<unknown>) => async (raw: unknown, ack?: Ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      try {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) throw new ValidationError('Invalid payload', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
        reply((await fn(parsed.data)) ?? { ok: true });
      } catch (err) {
        if (!(err instanceof AppError)) d.log.error({ err, agent: p.id }, 'agent socket event failed');
        reply(errorBody(err));
      }
    };

    socket.on('presence:set', handle(presenceBody, async ({ status }) => {
      await connected;
      const a = await d.presence.set(p.id, status);
      return { status, changed: !!a };
    }));

    socket.on('ticket:join', handle(ticketRef, async ({ ticketNumber }) => {
      await d.tickets.visible(ticketNumber, p);
      await socket.join(rooms.ticket(ticketNumber));
      joined.add(ticketNumber);
      await d.viewers.join(ticketNumber, socket.id, me);
      return d.viewers.state(ticketNumber);
    }));

    socket.on('ticket:leave', handle(ticketRef, async ({ ticketNumber }) => {
      if (!joined.delete(ticketNumber)) return { ok: true };
      await socket.leave(rooms.ticket(ticketNumber));
      await d.viewers.leave(ticketNumber, socket.id);
      return { ok: true };
    }));

    socket.on('typing', handle(typingBody, async ({ ticketNumber, typing }) => {
      if (!joined.has(ticketNumber)) await d.tickets.visible(ticketNumber, p);
      await d.viewers.typing(ticketNumber, socket.id, me, typing ?? true);
      return { ok: true };
    }));

    const cleanup = async () => {
      await connected;
      for (const n of joined) await d.viewers.leave(n, socket.id);
      await d.presence.socketDisconnected(p.id, socket.id);
    };
    live.set(socket.id, cleanup);
    socket.on('disconnect', () => {
      if (!live.delete(socket.id)) return; // already cleaned up by stop()
      const done = cleanup().catch((err) => d.log.warn({ err, agent: p.id }, 'disconnect cleanup failed'));
      pending.add(done);
      void done.finally(() => pending.delete(done));
    });
  });
  return {
    async stop() {
      const left = [...live.values()];
      live.clear();
      await Promise.allSettled([...pending, ...left.map((fn) => fn())]);
    },
  };
}
