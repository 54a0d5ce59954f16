import type { Types } from 'mongoose';
import { hasRole, ROLE_SETS } from '../../core/types';
import { scanKeys, type RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import type { AgentDoc, AgentModel } from '../agents/agent.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import { isLiveStatus, LIVE_STATUSES } from '../tickets/ticket.types';

/** An agent chats may be offered to: active, front line, online (MongoDB's agent record says). */
export function isRoutable(a: Pick<AgentDoc, 'active' | 'role' | 'presence'>): boolean {
  return !!a.active && hasRole(a.role, ROLE_SETS.frontLine) && a.presence?.status === 'online';
}

/** A chat that counts against its assignee's chat capacity. */
export function holdsCapacity(t: Pick<TicketDoc, 'channel' | 'assigneeId' | 'status'>): boolean {
  return t.channel === 'chat' && !!t.assigneeId && isLiveStatus(t.status);
}

/**
 * What routing a new chat reads, kept in Redis beside MongoDB so that it is read by key (issue
 * #23; mongo-java-server scans every non-unique filter): per team the set of its routable agents
 * (`<prefix>:routing:online:<team>`), per agent the set of the live chats assigned to them
 * (`<prefix>:routing:chats:<agentId>`, ticket ids: adding or removing twice changes nothing).
 *
 * MongoDB stays the truth. The router re-reads the agents it finds here by `_id` and keeps only
 * those MongoDB calls routable, so a stale member costs nothing; presence changes and ticket
 * changes keep the sets current on whichever API node or worker they happen; `repair()` (at start
 * and by the sweeper of every API node) rebuilds them from MongoDB for whatever a crash, a lost
 * Redis or a change made outside these paths (an agent's teams edited while online) left behind.
 */
export class RoutingIndex {
  constructor(
    private readonly d: { redis: RedisClient; prefix: string; Agent: AgentModel; Ticket: TicketModel; log: Logger },
  ) {}

  private onlineKey(team: string): string {
    return `${this.d.prefix}:routing:online:${team}`;
  }

  private chatsKey(agentId: string): string {
    return `${this.d.prefix}:routing:chats:${agentId}`;
  }

  // ---- online agents per team --------------------------------------------------------------

  /** The agent's presence (or record) changed: in its teams' sets when routable, out of them otherwise. */
  async agentChanged(agent: Pick<AgentDoc, '_id' | 'teams' | 'active' | 'role' | 'presence'>): Promise<void> {
    if (!agent.teams.length) return;
    const id = String(agent._id);
    const m = this.d.redis.multi();
    for (const team of agent.teams) {
      if (isRoutable(agent)) m.sadd(this.onlineKey(team), id);
      else m.srem(this.onlineKey(team), id);
    }
    await m.exec();
  }

  /** The ids of the team's agents that were routable when last told (the router re-reads them by `_id`). */
  onlineOf(team: string): Promise<string[]> {
    return this.d.redis.smembers(this.onlineKey(team));
  }

  /** Whether the team has an agent that was routable when last told (the widget's "agents online"). */
  async anyOnline(team: string): Promise<boolean> {
    return (await this.d.redis.scard(this.onlineKey(team))) > 0;
  }

  // ---- live chats per agent ---------------------------------------------------------------

  /** The number of live chats assigned to each agent. */
  async loads(agentIds: string[]): Promise<Map<string, number>> {
    if (!agentIds.length) return new Map();
    const p = this.d.redis.pipeline();
    for (const id of agentIds) p.scard(this.chatsKey(id));
    const res = (await p.exec()) ?? [];
    return new Map(agentIds.map((id, i) => [id, Number(res[i]?.[1] ?? 0)]));
  }

  /** The chat now holds (or no longer holds) its assignee's capacity; `previous`: an assignee it left. */
  async ticketChanged(t: Pick<TicketDoc, '_id' | 'channel' | 'assigneeId' | 'status'>, previous?: string | null): Promise<void> {
    if (t.channel !== 'chat') return;
    const id = String(t._id);
    const m = this.d.redis.multi();
    if (previous && previous !== String(t.assigneeId ?? '')) m.srem(this.chatsKey(previous), id);
    if (t.assigneeId) {
      if (holdsCapacity(t)) m.sadd(this.chatsKey(String(t.assigneeId)), id);
      else m.srem(this.chatsKey(String(t.assigneeId)), id);
    }
    await m.exec();
  }

  // ---- repair from MongoDB ----------------------------------------------------------------

  /**
   * Rebuilds both structures from MongoDB (off the hot path: it reads agents and the live
   * assigned chats by filter). A member that MongoDB and the sets disagree on is re-read by `_id`
   * just before it is added or removed, so a change made while the repair ran is not undone.
   */
  async repair(): Promise<{ online: number; chats: number; fixed: number }> {
    const prefix = `${this.d.prefix}:routing:`;
    let fixed = 0;
    // online agents: the sets of every team that has one, and those of teams that had one
    const agents = await this.d.Agent.find({ active: true, 'presence.status': 'online' }, { teams: 1, active: 1, role: 1, presence: 1 }).lean();
    const wantOnline = new Map<string, Set<string>>();
    for (const a of agents) if (isRoutable(a as AgentDoc)) for (const team of a.teams) addTo(wantOnline, team, String(a._id));
    for (const team of new Set([...wantOnline.keys(), ...(await this.keysUnder(`${prefix}online:`))])) {
      fixed += await this.reconcile(this.onlineKey(team), wantOnline.get(team), async (ids) => {
        const now = await this.d.Agent.find({ _id: { $in: ids } }, { teams: 1, active: 1, role: 1, presence: 1 }).lean();
        return now.filter((a) => isRoutable(a as AgentDoc) && a.teams.includes(team)).map((a) => String(a._id));
      });
    }
    // live chats per agent
    const chats = await this.d.Ticket.find({ channel: 'chat', status: { $in: [...LIVE_STATUSES] }, assigneeId: { $ne: null } }, { assigneeId: 1 }).lean();
    const wantChats = new Map<string, Set<string>>();
    for (const t of chats) addTo(wantChats, String(t.assigneeId), String(t._id));
    for (const agentId of new Set([...wantChats.keys(), ...(await this.keysUnder(`${prefix}chats:`))])) {
      fixed += await this.reconcile(this.chatsKey(agentId), wantChats.get(agentId), async (ids) => {
        const now = await this.d.Ticket.find({ _id: { $in: ids as unknown as Types.ObjectId[] } }, { channel: 1, assigneeId: 1, status: 1 }).lean();
        return now.filter((t) => holdsCapacity(t as TicketDoc) && String(t.assigneeId) === agentId).map((t) => String(t._id));
      });
    }
    if (fixed) this.d.log.info({ fixed }, 'routing index repaired from MongoDB');
    return { online: agents.length, chats: chats.length, fixed };
  }

  /**
   * Brings the set at `key` to `want` (MongoDB's snapshot): each member the two disagree on is
   * asked of MongoDB again by `_id` (`members`: those of `ids` that belong now), then added or removed.
   */
  private async reconcile(key: string, want: Set<string> = new Set(), members: (ids: string[]) => Promise<string[]>): Promise<number> {
    const have = new Set(await this.d.redis.smembers(key));
    const differ = [...new Set([...have, ...want])].filter((id) => have.has(id) !== want.has(id));
    if (!differ.length) return 0;
    const belong = new Set(await members(differ));
    const m = this.d.redis.multi();
    for (const id of differ) {
      if (belong.has(id)) m.sadd(key, id);
      else m.srem(key, id);
    }
    await m.exec();
    return differ.length;
  }

  /** The last segments of the keys under `base` (team keys or agent ids). */
  private async keysUnder(base: string): Promise<string[]> {
    const out: string[] = [];
    for await (const batch of scanKeys(this.d.redis, `${base}*`, 500)) out.push(...batch.map((k) => k.slice(base.length)));
    return out;
  }
}

function addTo(m: Map<string, Set<string>>, key: string, value: string): void {
  const set = m.get(key) ?? new Set<string>();
  set.add(value);
  m.set(key, set);
}
