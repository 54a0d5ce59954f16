import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { TeamService } from '../teams/team.service';
import type { QueueIndex } from '../tickets/queue-index';

const AT_RISK_WITHIN_MS = 15 * 60 * 1000;

/**
 * The supervisor's view of their teams. Counts come from the live queue index in Redis (per-team
 * and per-agent sets kept beside MongoDB), so the figures cost a few commands per team whatever
 * the number of open tickets; only the agents are read from MongoDB.
 */
export class DashboardService {
  constructor(
    private readonly d: { index: QueueIndex; teams: TeamService; Agent: AgentModel; clock: Clock },
  ) {}

  async snapshot(principal: Principal) {
    const all = await this.d.teams.list();
    const visible = principal.visibleTeams();
    const teams = all.filter((t) => !visible || visible.includes(t.key));
    const keys = teams.map((t) => t.key);
    const now = this.d.clock.now().getTime();
    const [stats, agents] = await Promise.all([
      this.d.index.teamStats(keys, now + AT_RISK_WITHIN_MS),
      this.d.Agent.find({ active: true, teams: { $in: keys } }, { name: 1, role: 1, teams: 1, presence: 1, chatCapacity: 1 }).sort({ name: 1 }).lean(),
    ]);
    const loads = await this.d.index.agentLoads(agents.map((a) => String(a._id)));
    return {
      generatedAt: new Date(now).toISOString(),
      teams: teams.map((t) => {
        const s = stats[t.key];
        return {
          team: { key: t.key, name: t.name, nameZh: t.nameZh ?? '' },
          waiting: s.waiting,
          open: s.open,
          // due within 15 minutes (or overdue) and not yet marked breached
          atRisk: Math.max(0, s.dueSoon - s.breached),
          breached: s.breached,
          longestWaitSec: s.oldestWaitingMs === null ? 0 : Math.max(0, Math.round((now - s.oldestWaitingMs) / 1000)),
        };
      }),
      agents: agents.map((a) => ({
        id: String(a._id),
        name: a.name,
        role: a.role,
        teams: a.teams.filter((t) => keys.includes(t)),
        presence: a.presence?.status ?? 'offline',
        since: a.presence?.since ?? null,
        chatCapacity: a.chatCapacity,
        load: loads[String(a._id)]?.load ?? 0,
        chats: loads[String(a._id)]?.chats ?? 0,
      })),
    };
  }
}
