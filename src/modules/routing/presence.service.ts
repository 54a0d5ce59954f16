import { scanKeys, type RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import type { AgentPresencePayload } from '../../realtime/agents.events';
import { Realtime, rooms } from '../../realtime/realtime';
import type { AgentDoc } from '../agents/agent.model';
import type { Presence } from '../agents/agent.model';
import type { AgentService } from '../agents/agent.service';

export function serializePresence(a: AgentDoc): AgentPresencePayload {
  return { id: String(a._id), name: a.name, teams: a.teams, presence: a.presence?.status ?? 'offline', since: a.presence?.since ? a.presence.since.toISOString() : null };
}

/**
 * Agent presence. The state lives on the agent in MongoDB; the sockets an agent holds open are
 * counted in Redis (a set of socket ids per agent) because an agent's tabs may sit on different
 * API processes: the agent goes offline when the last of them closes, wherever it was.
 */
export class PresenceService {
  constructor(
    private readonly d: { redis: RedisClient; prefix: string; agents: AgentService; realtime: Realtime; log: Logger },
  ) {}

  private socketsKey(agentId: string): string {
    return `${this.d.prefix}:presence:sockets:${agentId}`;
  }

  async socketConnected(agentId: string, socketId: string): Promise<number> {
    const r = await this.d.redis.multi().sadd(this.socketsKey(agentId), socketId).scard(this.socketsKey(agentId)).exec();
    return Number(r?.[1]?.[1] ?? 0);
  }

  /** Returns the sockets the agent still has open; at zero the agent is offline. */
  async socketDisconnected(agentId: string, socketId: string): Promise<number> {
    const r = await this.d.redis.multi().srem(this.socketsKey(agentId), socketId).scard(this.socketsKey(agentId)).exec();
    const left = Number(r?.[1]?.[1] ?? 0);
    if (left === 0) await this.set(agentId, 'offline');
    return left;
  }

  async openSockets(agentId: string): Promise<number> {
    return this.d.redis.scard(this.socketsKey(agentId));
  }

  /**
   * Forgets sockets no API node holds any more (a node that crashed could not clean up after
   * itself), so its agents go offline and stop being offered chats. `liveSocketIds` are the
   * sockets every node reports now (the Redis adapter's fetchSockets); a socket missing from two
   * sweeps in a row is gone, which spares one that connected while this sweep was running.
   */
  async reap(liveSocketIds: Set<string>): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of scanKeys(this.d.redis, this.socketsKey('*'), 200)) keys.push(...batch);
    const offline: string[] = [];
    const missing = new Set<string>();
    for (const key of keys) {
      const agentId = key.slice(this.socketsKey('').length);
      const members = await this.d.redis.smembers(key);
      const gone = members.filter((id) => !liveSocketIds.has(id) && this.suspects.has(id));
      for (const id of members) if (!liveSocketIds.has(id)) missing.add(id);
      if (!gone.length) continue;
      const r = await this.d.redis.multi().srem(key, ...gone).scard(key).exec();
      if (Number(r?.[1]?.[1] ?? 0) === 0) {
        await this.set(agentId, 'offline');
        offline.push(agentId);
      }
    }
    this.suspects = missing;
    return offline;
  }

  private suspects = new Set<string>();

  set(agentId: string, status: Presence): Promise<AgentDoc | null> {
    return this.d.agents.setPresence(agentId, status);
  }

  /** Tells the agent's teams (dashboards) and the agent's other tabs. */
  announce(agent: AgentDoc): void {
    if (this.d.redis.status !== 'ready') return; // shutting down: the emitter's client is closing too
    const to = [rooms.agent(String(agent._id)), rooms.allTeams, ...agent.teams.map(rooms.team)];
    this.d.realtime.toRoom(to, 'agent:presence', serializePresence(agent));
  }
}
