import type { Logger } from '../../logger';
import type { AgentsAnswer, AgentsClientEvent, AgentsClientPayload } from '../../realtime/agents.events';
import { agentsClientSchemas } from '../../realtime/agents.schemas';
import { type AgentsNamespace, rooms } from '../../realtime/realtime';
import { socketHandler } from '../../realtime/socket-events';
import type { TicketService } from '../tickets/ticket.service';
import type { PresenceService } from './presence.service';
import type { TicketViewers } from './ticket-viewers';

export interface AgentSocketDeps {
  presence: PresenceService;
  viewers: TicketViewers;
  tickets: Pick<TicketService, 'visible'>;
  log: Logger;
}

const schemas = agentsClientSchemas;

/**
 * Client → server events of /agents (AgentsClientEvents): `presence:set`, `ticket:join` /
 * `ticket:leave`, `typing`. Each payload is validated; the ack answers the result or
 * `{error:{code,message}}`. The sockets an agent holds are counted in Redis so the agent goes
 * offline when the last one closes, on whichever API process it was.
 */
export function agentSocketHandlers(ns: AgentsNamespace, d: AgentSocketDeps): { stop(): Promise<void>; idle(): Promise<void> } {
  // this node's sockets and their clean-up, so a stopping node leaves no stale presence in Redis
  const live = new Map<string, () => Promise<void>>();
  const pending = new Set<Promise<void>>();
  ns.on('connection', (socket) => {
    const p = socket.data.principal;
    const me = { id: p.id, name: p.name };
    const joined = new Set<number>();
    const connected = d.presence.socketConnected(p.id, socket.id).catch((err) => d.log.warn({ err, agent: p.id }, 'presence count failed'));
    const on = <E extends AgentsClientEvent>(event: E, fn: (body: AgentsClientPayload<E>) => Promise<AgentsAnswer<E>>) =>
      socket.on(event, socketHandler(schemas[event], fn as (body: unknown) => Promise<unknown>, { log: d.log, event }) as never);

    on('presence:set', async ({ status }) => {
      await connected;
      const a = await d.presence.set(p.id, status);
      return { status, changed: !!a };
    });

    on('ticket:join', async ({ ticketNumber }) => {
      await d.tickets.visible(ticketNumber, p);
      await socket.join(rooms.ticket(ticketNumber));
      joined.add(ticketNumber);
      await d.viewers.join(ticketNumber, socket.id, me);
      return d.viewers.state(ticketNumber);
    });

    on('ticket:leave', async ({ ticketNumber }) => {
      if (!joined.delete(ticketNumber)) return { ok: true };
      await socket.leave(rooms.ticket(ticketNumber));
      await d.viewers.leave(ticketNumber, socket.id);
      return { ok: true };
    });

    on('typing', async ({ ticketNumber, typing }) => {
      if (!joined.has(ticketNumber)) await d.tickets.visible(ticketNumber, p);
      await d.viewers.typing(ticketNumber, socket.id, me, typing ?? true);
      return { ok: true };
    });

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
    /** resolves once this node has cleaned up after every socket that has disconnected so far */
    async idle() {
      await Promise.allSettled([...pending]);
    },
  };
}
