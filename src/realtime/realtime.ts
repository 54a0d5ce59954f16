import type { Namespace } from 'socket.io';
import type { ServerToVisitor } from '../channels/chat/chat.events';
import type { RedisClient } from '../infra/redis';
import type { Principal } from '../modules/auth/principal';
import type { AgentsClientEvents, AgentsPayload, AgentsServerEvent, AgentsServerEvents } from './agents.events';
import { ShardedEmitter } from './sharded-emitter';

/** Rooms of the /agents namespace. */
export const rooms = {
  team: (team: string) => `team:${team}`,
  agent: (agentId: string) => `agent:${agentId}`,
  /** managers, directors and admins: every team's events */
  allTeams: 'all-teams',
  role: (role: string) => `role:${role}`,
  /** the sockets signed in with one session token (by its hash): what a logout ends */
  session: (tokenHash: string) => `session:${tokenHash}`,
  ticket: (number: number) => `ticket:${number}`,
  /** the /chat namespace: the visitor(s) of one chat ticket */
  chat: (ticketNumber: number) => `chat:${ticketNumber}`,
};

export interface AgentSocketData {
  principal: Principal;
}

/** The /agents namespace, typed by its event maps (agents.events.ts). */
export type AgentsNamespace = Namespace<AgentsClientEvents, AgentsServerEvents, Record<string, never>, AgentSocketData>;

type VisitorEvent = keyof ServerToVisitor;
type VisitorPayload<E extends VisitorEvent> = Parameters<ServerToVisitor[E]>[0];

/**
 * Every server→client event leaves through Redis (sharded Pub/Sub, src/realtime/sharded-emitter.ts),
 * from API nodes and workers alike; the sharded Redis adapter of each API node delivers it to its
 * sockets. There is no in-process event bus, so two API processes behave as one. The event maps
 * type every payload.
 */
export class Realtime {
  private readonly emitter: ShardedEmitter;

  /** `key`: the channel prefix the API nodes' adapters use (socketChannelPrefix) */
  constructor(redis: RedisClient, readonly key: string) {
    this.emitter = new ShardedEmitter(redis, key);
  }

  toTeam<E extends AgentsServerEvent>(team: string, event: E, payload: AgentsPayload<E>): void {
    this.emitter.of('/agents').to([rooms.team(team), rooms.allTeams]).emit(event, payload);
  }

  toAgents<E extends AgentsServerEvent>(agentIds: string[], event: E, payload: AgentsPayload<E>): void {
    if (agentIds.length) this.emitter.of('/agents').to(agentIds.map(rooms.agent)).emit(event, payload);
  }

  toRoom<E extends AgentsServerEvent>(room: string | string[], event: E, payload: AgentsPayload<E>): void {
    this.emitter.of('/agents').to(room).emit(event, payload);
  }

  /**
   * Closes the /agents sockets in `room` on every API node (through the Redis adapter). Used when
   * access ends or changes: a revoked session must stop receiving at once, and an agent whose teams
   * or role changed reconnects and joins the rooms of what they may see now.
   */
  disconnectAgents(room: string | string[]): void {
    this.emitter.of('/agents').in(room).disconnectSockets(true);
  }

  /** `exceptSocket`: a /chat socket id that is not sent the event (the sender of what it tells). */
  toChat<E extends VisitorEvent>(ticketNumber: number, event: E, payload: VisitorPayload<E>, exceptSocket?: string): void {
    const to = this.emitter.of('/chat').to(rooms.chat(ticketNumber));
    (exceptSocket ? to.except(exceptSocket) : to).emit(event, payload);
  }
}
