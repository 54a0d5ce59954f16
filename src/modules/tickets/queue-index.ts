import { scanKeys, type RedisClient } from '../../infra/redis';
import type { QueueItem } from './ticket.payloads';
import { isLiveStatus, PRIORITY_RANK, Priority } from './ticket.types';

export type { QueueItem };

/** Whether two entries sit at the same place in the queue and in the per-team and per-agent sets. */
function sameSlot(a: QueueItem, b: QueueItem): boolean {
  return a.team === b.team && a.status === b.status && a.priority === b.priority && a.dueAt === b.dueAt && a.slaStatus === b.slaStatus && a.channel === b.channel && a.createdAt === b.createdAt && (a.assignee?.id ?? null) === (b.assignee?.id ?? null);
}

/** KEYS[1] a set or sorted set, KEYS[2] the summaries; ARGV[1] 'z' or 's', then ids: removes the ids without a summary. */
const PRUNE_SCRIPT = `
local n = 0
for i = 2, #ARGV do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then
    if ARGV[1] == 'z' then n = n + redis.call('ZREM', KEYS[1], ARGV[i]) else n = n + redis.call('SREM', KEYS[1], ARGV[i]) end
  end
end
return n`;

const NO_DUE_OFFSET_MS = 30 * 24 * 3600 * 1000;

/** Earlier due first; at the same due time higher priority first. Fits a double exactly (ms * 4 < 2^53). */
export function queueScore(dueAtMs: number, priority: Priority): number {
  return dueAtMs * 4 + (3 - PRIORITY_RANK[priority]);
}

/**
 * The live queue, kept in Redis beside MongoDB (which stays the truth): a sorted set per team
 * ordered by SLA due time and priority, and a hash of ready-to-show summaries. A page is a few
 * ZRANGEBYSCOREs and one HMGET, whatever the number of open tickets. rebuild() restores it from MongoDB.
 */
export class QueueIndex {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private teamKey(team: string) {
    return `${this.prefix}:q:team:${team}`;
  }
  private get itemsKey() {
    return `${this.prefix}:q:items`;
  }
  private get teamOfKey() {
    return `${this.prefix}:q:teamof`;
  }

  /** live tickets of a team nobody is assigned to, scored by creation time (the longest wait is the first) */
  private unassignedKey(team: string) {
    return `${this.prefix}:q:unassigned:${team}`;
  }
  private breachedKey(team: string) {
    return `${this.prefix}:q:breached:${team}`;
  }
  /** live tickets assigned to an agent; `chats` only those on the chat channel */
  private agentKey(agentId: string, what: 'load' | 'chats') {
    return `${this.prefix}:q:${what}:${agentId}`;
  }

  /** `known`: the entry as the caller just read it (saves the read here). */
  async put(item: QueueItem, known?: QueueItem | null): Promise<void> {
    const live = isLiveStatus(item.status);
    if (known && live && sameSlot(known, item)) {
      // Only the summary changed (a new message's preview): its place and the counted sets stay.
      await this.redis.hset(this.itemsKey, item.id, JSON.stringify(item));
      return;
    }
    const [previousTeam, previousRaw] = known ? [known.team, JSON.stringify(known)] : await this.previous(item.id);
    const multi = this.redis.multi();
    if (previousTeam && (previousTeam !== item.team || !live)) multi.zrem(this.teamKey(previousTeam), item.id);
    this.putSummaries(multi, previousRaw ? (JSON.parse(previousRaw) as QueueItem) : null, live ? item : null);
    if (live) {
      const due = item.dueAt ? Date.parse(item.dueAt) : Date.parse(item.createdAt) + NO_DUE_OFFSET_MS;
      multi.zadd(this.teamKey(item.team), queueScore(due, item.priority), item.id);
      multi.hset(this.itemsKey, item.id, JSON.stringify(item));
      multi.hset(this.teamOfKey, item.id, item.team);
    } else {
      multi.hdel(this.itemsKey, item.id);
      multi.hdel(this.teamOfKey, item.id);
    }
    await multi.exec();
  }

  async remove(id: string): Promise<void> {
    const [team, raw] = await this.previous(id);
    const multi = this.redis.multi().hdel(this.itemsKey, id).hdel(this.teamOfKey, id);
    if (team) multi.zrem(this.teamKey(team), id);
    this.putSummaries(multi, raw ? (JSON.parse(raw) as QueueItem) : null, null);
    await multi.exec();
  }

  async get(id: string): Promise<QueueItem | null> {
    const raw = await this.redis.hget(this.itemsKey, id);
    return raw ? (JSON.parse(raw) as QueueItem) : null;
  }

  private async previous(id: string): Promise<[string | null, string | null]> {
    const r = (await this.redis.pipeline().hget(this.teamOfKey, id).hget(this.itemsKey, id).exec()) ?? [];
    return [(r[0]?.[1] as string | null) ?? null, (r[1]?.[1] as string | null) ?? null];
  }

  /** Keeps the per-team and per-agent sets the dashboard and routing count (no scan of the tickets). */
  private putSummaries(multi: ReturnType<RedisClient['multi']>, old: QueueItem | null, now: QueueItem | null): void {
    if (old) {
      multi.zrem(this.unassignedKey(old.team), old.id).srem(this.breachedKey(old.team), old.id);
      if (old.assignee) multi.srem(this.agentKey(old.assignee.id, 'load'), old.id).srem(this.agentKey(old.assignee.id, 'chats'), old.id);
    }
    if (!now) return;
    if (!now.assignee) multi.zadd(this.unassignedKey(now.team), Date.parse(now.createdAt), now.id);
    if (now.slaStatus === 'breached') multi.sadd(this.breachedKey(now.team), now.id);
    if (now.assignee) {
      multi.sadd(this.agentKey(now.assignee.id, 'load'), now.id);
      if (now.channel === 'chat') multi.sadd(this.agentKey(now.assignee.id, 'chats'), now.id);
    }
  }

  /**
   * Per team: live tickets, unassigned ones, the oldest unassigned creation time, breached ones,
   * and those due before `soonMs` (ms since epoch). A handful of O(log n) commands per team.
   */
  async teamStats(teams: readonly string[], soonMs: number): Promise<Record<string, { open: number; waiting: number; oldestWaitingMs: number | null; breached: number; dueSoon: number }>> {
    const pipe = this.redis.pipeline();
    for (const t of teams) {
      pipe.zcard(this.teamKey(t)).zcard(this.unassignedKey(t)).zrange(this.unassignedKey(t), '0', '0', 'WITHSCORES').scard(this.breachedKey(t));
      pipe.zcount(this.teamKey(t), '-inf', String(queueScore(soonMs, 'low')));
    }
    const r = ((await pipe.exec()) ?? []).map((x) => x?.[1]);
    return Object.fromEntries(
      teams.map((t, i) => {
        const [open, waiting, oldest, breached, dueSoon] = r.slice(i * 5, i * 5 + 5) as [number, number, string[], number, number];
        return [t, { open: Number(open), waiting: Number(waiting), oldestWaitingMs: oldest?.[1] ? Number(oldest[1]) : null, breached: Number(breached), dueSoon: Number(dueSoon) }];
      }),
    );
  }

  /** Per agent: live tickets assigned, and of those the chats. */
  async agentLoads(agentIds: readonly string[]): Promise<Record<string, { load: number; chats: number }>> {
    const pipe = this.redis.pipeline();
    for (const id of agentIds) pipe.scard(this.agentKey(id, 'load')).scard(this.agentKey(id, 'chats'));
    const r = ((await pipe.exec()) ?? []).map((x) => Number(x?.[1] ?? 0));
    return Object.fromEntries(agentIds.map((id, i) => [id, { load: r[i * 2], chats: r[i * 2 + 1] }]));
  }

  /** One page of the live queue over the given teams; the cursor is the last item's "score:id". */
  async page(teams: readonly string[], limit: number, cursor?: string): Promise<{ items: QueueItem[]; nextCursor: string | null; total: number }> {
    const [cScore, cId] = cursor ? [Number(cursor.split(':')[0]), cursor.split(':')[1]] : [-Infinity, ''];
    const min = Number.isFinite(cScore) ? String(cScore) : '-inf';
    const pipe = this.redis.pipeline();
    for (const t of teams) pipe.zrangebyscore(this.teamKey(t), min, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 50);
    for (const t of teams) pipe.zcard(this.teamKey(t));
    const results = (await pipe.exec()) ?? [];
    const merged: { id: string; score: number }[] = [];
    teams.forEach((_, i) => {
      const flat = (results[i]?.[1] as string[]) ?? [];
      for (let j = 0; j < flat.length; j += 2) {
        const score = Number(flat[j + 1]);
        const id = flat[j];
        if (score === cScore && id <= cId) continue; // already on an earlier page
        merged.push({ id, score });
      }
    });
    const total = teams.reduce((sum, _, i) => sum + Number(results[teams.length + i]?.[1] ?? 0), 0);
    merged.sort((a, b) => a.score - b.score || (a.id < b.id ? -1 : 1));
    const pageIds = merged.slice(0, limit);
    const raw = pageIds.length ? await this.redis.hmget(this.itemsKey, ...pageIds.map((p) => p.id)) : [];
    const items = raw.filter((r): r is string => !!r).map((r) => JSON.parse(r) as QueueItem);
    const last = pageIds[pageIds.length - 1];
    return { items, nextCursor: merged.length > limit && last ? `${last.score}:${last.id}` : null, total };
  }

  /**
   * Every live ticket's summary in the given teams, in queue order per team: the filtered lists and
   * view counts run over these instead of the tickets collection. One ZRANGE per team, then HMGETs
   * of a thousand at a time.
   */
  async items(teams: readonly string[]): Promise<QueueItem[]> {
    const pipe = this.redis.pipeline();
    for (const t of teams) pipe.zrange(this.teamKey(t), '0', '-1');
    const ids = ((await pipe.exec()) ?? []).flatMap((r) => (r?.[1] as string[]) ?? []);
    const out: QueueItem[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const raw = await this.redis.hmget(this.itemsKey, ...ids.slice(i, i + 1000));
      for (const r of raw) if (r) out.push(JSON.parse(r) as QueueItem);
    }
    return out;
  }

  async counts(teams: readonly string[]): Promise<Record<string, number>> {
    const pipe = this.redis.pipeline();
    for (const t of teams) pipe.zcard(this.teamKey(t));
    const res = (await pipe.exec()) ?? [];
    return Object.fromEntries(teams.map((t, i) => [t, Number(res[i]?.[1] ?? 0)]));
  }

  /** The summaries of the given tickets as the index holds them (null where it holds none). */
  async getMany(ids: readonly string[]): Promise<(QueueItem | null)[]> {
    if (!ids.length) return [];
    const raw = await this.redis.hmget(this.itemsKey, ...ids);
    return raw.map((r) => (r ? (JSON.parse(r) as QueueItem) : null));
  }

  /** Every ticket id the index holds a summary of, a few hundred at a time (HSCAN: no long command). */
  async *ids(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.itemsKey, cursor, 'COUNT', '500');
      cursor = next;
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) ids.push(flat[i]);
      if (ids.length) yield ids;
    } while (cursor !== '0');
  }

  /**
   * Removes members of the team, unassigned, breached and per-agent sets that have no summary (left
   * by a crash between versions, or an old layout). Each removal checks the summary in the same
   * script, so a ticket put meanwhile is never taken out.
   */
  async pruneOrphans(): Promise<number> {
    let pruned = 0;
    for await (const keys of scanKeys(this.redis, `${this.prefix}:q:*`)) {
      for (const key of keys) {
        if (key === this.itemsKey || key === this.teamOfKey) continue;
        const zset = (await this.redis.type(key)) === 'zset';
        const members = zset ? await this.redis.zrange(key, '0', '-1') : await this.redis.smembers(key);
        for (let i = 0; i < members.length; i += 500) {
          const chunk = members.slice(i, i + 500);
          pruned += Number(await this.redis.eval(PRUNE_SCRIPT, 2, key, this.itemsKey, zset ? 'z' : 's', ...chunk));
        }
      }
    }
    return pruned;
  }
}
