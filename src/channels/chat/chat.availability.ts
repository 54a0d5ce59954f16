const CACHE_MS = 1000;

/** Who can take a chat, per team: the routing index's online agents (a Redis set, read by key). */
export interface OnlineAgents {
  anyOnline(team: string): Promise<boolean>;
}

/**
 * Whether some agent of a team who can take a chat is online, for every connecting visitor (the
 * widget offers the chat, or the offline form). Read from the routing index, never by a filter on
 * the agents (a scan on the embedded store, once a second under load), and cached for a second
 * per team: a burst of visitors costs one read, and a change of presence shows within a second.
 */
export class AgentAvailability {
  private readonly cache = new Map<string, { at: number; online: Promise<boolean> }>();

  constructor(private readonly agents: OnlineAgents) {}

  online(team: string): Promise<boolean> {
    const hit = this.cache.get(team);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.online;
    const online = this.agents.anyOnline(team).catch((err) => {
      this.cache.delete(team);
      throw err;
    });
    this.cache.set(team, { at: Date.now(), online });
    return online;
  }
}
