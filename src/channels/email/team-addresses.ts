import type { RedisClient } from '../../infra/redis';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { TeamService } from '../../modules/teams/team.service';

const TTL_MS = 5000;

/**
 * The support addresses of active teams, cached: every RCPT TO of the SMTP intake asks, and every
 * mail's ingest, and a database round trip per recipient would be the intake's bottleneck. With
 * Redis (`versioned`), the copy is reloaded only when a team is saved (the teams' config version,
 * which TeamService bumps; issue #23: no read of every team in a mail's ingest every few seconds);
 * without, it lives a few seconds. While MongoDB cannot be reached, the last addresses read keep answering.
 */
export class TeamAddresses {
  private cache: { at: number; map: Map<string, string> } | null = null;
  private loading: Promise<Map<string, string>> | null = null;
  private readonly versioned: VersionedCache<Map<string, string>> | null;

  constructor(
    private readonly teams: Pick<TeamService, 'list'>,
    private readonly extraOwn: string[] = [],
    versioned?: { redis: RedisClient; prefix: string },
  ) {
    this.versioned = versioned ? new VersionedCache(versioned.redis, configVersionKey(versioned.prefix, 'teams'), () => this.load()) : null;
  }

  private async map(): Promise<Map<string, string>> {
    if (this.versioned) return this.versioned.get();
    if (this.cache && Date.now() - this.cache.at < TTL_MS) return this.cache.map;
    return this.load();
  }

  private load(): Promise<Map<string, string>> {
    this.loading ??= this.teams
      .list()
      .then(
        (teams) => {
          const map = new Map<string, string>();
          for (const t of teams) if (t.active) for (const a of t.addresses) map.set(a.trim().toLowerCase(), t.key);
          this.cache = { at: Date.now(), map };
          return map;
        },
        (err) => {
          // The store is down: the addresses known a moment ago still hold, so mail keeps being
          // accepted (stored on disk, its job retried until the store is back) instead of refused.
          if (this.cache) return this.cache.map;
          throw err;
        },
      )
      .finally(() => (this.loading = null));
    return this.loading;
  }

  async accepts(address: string): Promise<boolean> {
    return (await this.map()).has(address.trim().toLowerCase());
  }

  /** The team of the first address that belongs to one. */
  async teamOf(addresses: string[]): Promise<string | null> {
    const map = await this.map();
    for (const a of addresses) {
      const key = map.get(a.trim().toLowerCase());
      if (key) return key;
    }
    return null;
  }

  /** Addresses that are ours: mail from them is our own coming back. */
  async own(): Promise<Set<string>> {
    return new Set([...(await this.map()).keys(), ...this.extraOwn.map((a) => a.toLowerCase())]);
  }
}
