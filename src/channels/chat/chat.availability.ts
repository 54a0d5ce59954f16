import type { AgentModel } from '../../modules/agents/agent.model';

const CACHE_MS = 1000;

/**
 * Whether some agent of a team is online (Agent.presence, kept by the console). Read for every
 * connecting visitor, so the answer is cached for a second per team: a burst of visitors costs
 * one query, and a change of presence shows within a second.
 */
export class AgentAvailability {
  private readonly cache = new Map<string, { at: number; online: Promise<boolean> }>();

  constructor(private readonly Agent: AgentModel) {}

  online(team: string): Promise<boolean> {
    const hit = this.cache.get(team);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.online;
    const online = this.Agent.exists({ teams: team, active: true, 'presence.status': 'online' })
      .then((r) => !!r)
      .catch((err) => {
        this.cache.delete(team);
        throw err;
      });
    this.cache.set(team, { at: Date.now(), online });
    return online;
  }
}
