import { SYSTEM, type Actor } from '../../core/types';
import { ConflictError, NotFoundError } from '../../errors';
import type { RedisClient } from '../../infra/redis';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { TeamDoc, TeamModel } from './team.model';

export interface TeamInput {
  key: string;
  name: string;
  nameZh?: string;
  addresses?: string[];
  assignment?: 'round_robin' | 'least_loaded';
  calendar?: string | null;
  active?: boolean;
}

export class TeamService {
  /** the keys of the active teams, read on every new ticket: kept per process, reloaded when a team is saved (any process) */
  private readonly active: VersionedCache<Set<string>> | null;

  constructor(
    private readonly Team: TeamModel,
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
    cache?: { redis: RedisClient; prefix: string },
  ) {
    this.active = cache ? new VersionedCache(cache.redis, configVersionKey(cache.prefix, 'teams'), async () => new Set((await this.Team.find({ active: true }, { key: 1 }).lean()).map((t) => t.key))) : null;
  }

  list(): Promise<TeamDoc[]> {
    return this.Team.find({}).sort({ key: 1 });
  }

  async exists(key: string): Promise<boolean> {
    if (this.active) return (await this.active.get()).has(key);
    return !!(await this.Team.exists({ key, active: true }));
  }

  async get(key: string): Promise<TeamDoc> {
    const t = await this.Team.findOne({ key });
    if (!t) throw new NotFoundError(`Team ${key}`);
    return t;
  }

  /** The team a support mail address routes to, if any. */
  async byAddress(address: string): Promise<TeamDoc | null> {
    return this.Team.findOne({ addresses: address.trim().toLowerCase(), active: true });
  }

  async allAddresses(): Promise<string[]> {
    const teams = await this.Team.find({ active: true }, { addresses: 1 }).lean();
    return teams.flatMap((t) => t.addresses);
  }

  async create(input: TeamInput, actor: Actor = SYSTEM): Promise<TeamDoc> {
    await this.assertAddressesFree(input.addresses ?? [], input.key);
    let t: TeamDoc;
    try {
      t = await this.Team.create({ ...input, addresses: (input.addresses ?? []).map((a) => a.toLowerCase()) });
      await this.active?.invalidate();
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`Team ${input.key} exists`, 'duplicate', [{ path: 'key', message: 'a team with this key exists', code: 'duplicate' }]);
      throw err;
    }
    await this.audit.record(actor, { entity: 'team', key: t.key, action: 'created', after: serializeTeam(t) });
    return t;
  }

  async update(key: string, patch: Partial<Omit<TeamInput, 'key'>>, actor: Actor = SYSTEM): Promise<TeamDoc> {
    const t = await this.get(key);
    if (patch.addresses) await this.assertAddressesFree(patch.addresses, key);
    const before = serializeTeam(t);
    Object.assign(t, { ...patch, ...(patch.addresses ? { addresses: patch.addresses.map((a) => a.toLowerCase()) } : {}) });
    await t.save();
    await this.active?.invalidate();
    await this.audit.record(actor, { entity: 'team', key, action: 'updated', before, after: serializeTeam(t) });
    return t;
  }

  /** A support address routes to one team: giving it to a second would make mail land by chance. */
  private async assertAddressesFree(addresses: string[], key: string): Promise<void> {
    const taken: { path: string; message: string; code: string }[] = [];
    for (const [i, a] of addresses.entries()) {
      const owner = await this.Team.findOne({ addresses: a.trim().toLowerCase(), key: { $ne: key } }, { key: 1 }).lean();
      if (owner) taken.push({ path: `addresses.${i}`, message: `${a} already routes to team ${owner.key}`, code: 'address_taken' });
    }
    if (taken.length) throw new ConflictError('An address already routes to another team', 'address_taken', taken);
  }
}

export function serializeTeam(t: TeamDoc) {
  return { key: t.key, name: t.name, nameZh: t.nameZh, addresses: t.addresses, assignment: t.assignment, calendar: t.calendar ?? null, active: t.active };
}
