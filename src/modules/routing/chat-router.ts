import type { RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import type { AgentDoc, AgentModel } from '../agents/agent.model';
import type { TeamModel } from '../teams/team.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../tickets/ticket.observers';
import type { TicketUpdates } from '../tickets/ticket.updates';
import type { Actor } from '../../core/types';
import { AgentLock } from './agent-lock';
import { isRoutable, type RoutingIndex } from './routing-index';

/** A chat waits for an agent while it is new or open and nobody has it. */
const WAITING_STATUSES = ['new', 'open'];
export const ROUTING_ACTOR: Actor = { type: 'system', name: 'Routing' };

export function isWaitingChat(t: TicketDoc): boolean {
  return t.channel === 'chat' && !t.assigneeId && WAITING_STATUSES.includes(t.status as string);
}

export interface ChatRouterDeps {
  Ticket: TicketModel;
  Agent: AgentModel;
  Team: TeamModel;
  updates: Pick<TicketUpdates, 'assignIfUnassigned'>;
  redis: RedisClient;
  prefix: string;
  /** online agents per team and live chats per agent, read by key (MongoDB stays the truth) */
  index: RoutingIndex;
  log: Logger;
}

/**
 * Offers waiting chats to online agents with free chat capacity, at once and only on events: a
 * chat arrives, an agent comes online, an agent's chat is solved, closed or taken away. Each
 * assignment is one conditional update (`assigneeId: null` in the filter), so two API processes
 * never hand one chat to two agents; a per-agent lock keeps an agent within their capacity.
 * Who is online in a team and how many chats each agent holds come from the RoutingIndex (Redis,
 * by key); the agents found there are re-read by `_id`, so only MongoDB's word routes a chat.
 */
export class ChatRouter implements TicketObserver {
  readonly name = 'routing';
  private readonly lock: AgentLock;

  constructor(private readonly d: ChatRouterDeps) {
    this.lock = new AgentLock(d.redis, d.prefix);
  }

  /** A new waiting chat: offered at once; the next observers read the assigned ticket. */
  async created(ticket: TicketDoc): Promise<TicketDoc | void> {
    if (isWaitingChat(ticket)) return (await this.routeTicket(ticket)) ?? undefined;
    await this.d.index.ticketChanged(ticket); // a chat opened already assigned (a rule) holds its agent's capacity
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<TicketDoc | void> {
    if (ticket.channel !== 'chat') return;
    await this.d.index.ticketChanged(ticket, changes.assignee?.[0] ? String(changes.assignee[0]) : null);
    const freed = new Set<string>();
    if (changes.assignee?.[0]) freed.add(String(changes.assignee[0]));
    if (changes.status && ['solved', 'closed'].includes(ticket.status as string) && ticket.assigneeId) freed.add(String(ticket.assigneeId));
    for (const agentId of freed) await this.fillAgent(agentId);
    if ((changes.assignee || changes.team || changes.status) && isWaitingChat(ticket)) return (await this.routeTicket(ticket)) ?? undefined;
  }

  /** The agent takes waiting chats of their teams, oldest first, up to their free capacity. */
  async fillAgent(agentId: string): Promise<number> {
    const taken = await this.lock.run(agentId, async () => {
      const agent = await this.d.Agent.findById(agentId);
      if (!agent || !isRoutable(agent)) return 0;
      let free = agent.chatCapacity - (await this.d.index.loads([agentId])).get(agentId)!;
      let n = 0;
      while (free > 0) {
        const t = await this.d.updates.assignIfUnassigned({ channel: 'chat', status: { $in: WAITING_STATUSES }, team: { $in: agent.teams } }, agentId, ROUTING_ACTOR, { createdAt: 1, _id: 1 });
        if (!t) break;
        await this.d.index.ticketChanged(t);
        await this.markAssigned(t.team, agentId);
        this.d.log.info({ ticket: t.number, agent: agentId }, 'waiting chat assigned');
        free -= 1;
        n += 1;
      }
      return n;
    });
    return taken ?? 0;
  }

  /** A waiting chat goes to one online agent of its team with room, by the team's assignment rule; answers the assigned ticket. */
  async routeTicket(ticket: TicketDoc): Promise<TicketDoc | null> {
    const online = await this.d.index.onlineOf(ticket.team);
    if (!online.length) return null;
    const [team, found] = await Promise.all([
      this.d.Team.findOne({ key: ticket.team }, { assignment: 1 }).lean(),
      this.d.Agent.find({ _id: { $in: online } }) as Promise<AgentDoc[]>,
    ]);
    const agents = found.filter((a) => isRoutable(a) && a.teams.includes(ticket.team));
    if (!agents.length) return null;
    const ids = agents.map((a) => String(a._id));
    const [loads, turns] = await Promise.all([this.d.index.loads(ids), this.d.redis.hmget(this.turnKey(ticket.team), ...ids)]);
    const turn = new Map(ids.map((id, i) => [id, Number(turns[i] ?? 0)]));
    const candidates = agents.filter((a) => a.chatCapacity - loads.get(String(a._id))! > 0).map((a) => String(a._id));
    candidates.sort(
      team?.assignment === 'round_robin'
        ? (a, b) => turn.get(a)! - turn.get(b)!
        : (a, b) => loads.get(a)! - loads.get(b)! || turn.get(a)! - turn.get(b)!,
    );
    for (const agentId of candidates) {
      const got = await this.lock.run(agentId, async () => {
        const agent = await this.d.Agent.findById(agentId, { chatCapacity: 1, presence: 1, active: 1 });
        if (!agent || agent.presence?.status !== 'online' || agent.chatCapacity - (await this.d.index.loads([agentId])).get(agentId)! <= 0) return null;
        const assigned = await this.d.updates.assignIfUnassigned({ _id: ticket._id, status: { $in: WAITING_STATUSES } }, agentId, ROUTING_ACTOR);
        // counted before the lock is let go: the next offer to this agent sees the load
        if (assigned) await this.d.index.ticketChanged(assigned);
        return assigned;
      });
      if (got) {
        await this.markAssigned(got.team, agentId);
        this.d.log.info({ ticket: got.number, agent: agentId, rule: team?.assignment }, 'chat routed');
        return got;
      }
      const fresh = await this.d.Ticket.findById(ticket._id, { assigneeId: 1, status: 1, channel: 1 });
      if (!fresh || !isWaitingChat(fresh)) return null; // someone else took it meanwhile
    }
    return null;
  }

  private turnKey(team: string): string {
    return `${this.d.prefix}:routing:turn:${team}`;
  }

  /** Round robin: the agent served longest ago goes next; a Redis sequence orders the turns across processes. */
  private async markAssigned(team: string, agentId: string): Promise<void> {
    const seq = await this.d.redis.incr(`${this.d.prefix}:routing:seq`);
    await this.d.redis.hset(this.turnKey(team), agentId, String(seq));
  }
}
