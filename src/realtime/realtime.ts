import type { RedisClient } from '../infra/redis';
import { ShardedEmitter } from './sharded-emitter';

/** Rooms of the /agents namespace. */
export const rooms = {
  team: (team: string) => `team:${team}`,
  agent: (agentId: string) => `agent:${agentId}`,
  /** managers, directors and admins: every team's events */
  allTeams: 'all-teams',
  role: (role: string) => `role:${role}`,
  ticket: (number: number) => `ticket:${number}`,
  /** the /chat namespace: the visitor(s) of one chat ticket */
  chat: (ticketNumber: number) => `chat:${ticketNumber}`,
};

/**
 * Every server→client event leaves through Redis (sharded Pub/Sub, src/realtime/sharded-emitter.ts),
 * from API nodes and workers alike; the sharded Redis adapter of each API node delivers it to its
 * sockets. There is no in-process event bus, so two API processes behave as one.
 */
export class Realtime {
  private readonly emitter: ShardedEmitter;

  /** `key`: the channel prefix the API nodes' adapters use (socketChannelPrefix) */
  constructor(redis: RedisClient, readonly key: string) {
    this.emitter = new ShardedEmitter(redis, key);
  }

  toTeam(team: string, event: string, payload: unknown): void {
    this.emitter.of('/agents').to([rooms.team(team), rooms.allTeams]).emit(event, payload);
  }

  toAgents(agentIds: string[], event: string, payload: unknown): void {
    if (agentIds.length) this.emitter.of('/agents').to(agentIds.map(rooms.agent)).emit(event, payload);
  }

  toRoom(room: string | string[], event: string, payload: unknown): void {
    this.emitter.of('/agents').to(room).emit(event, payload);
  }

  toChat(ticketNumber: number, event: string, payload: unknown): void {
    this.emitter.of('/chat').to(rooms.chat(ticketNumber)).emit(event, payload);
  }
}
