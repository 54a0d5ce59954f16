import type { Redis } from 'ioredis';
import { LIVE_STATUSES, PRIORITY_RANK, Priority, TicketStatus } from './ticket.types';

export interface QueueItem {
  id: string;
  number: number;
  subject: string;
  channel: string;
  status: string;
  priority: Priority;
  type: string;
  team: string;
  assignee: { id: string; name: string } | null;
  customer: { id: string; name: string };
  dueAt: string | null;
  slaStatus: string | null;
  preview: string;
  createdAt: string;
  updatedAt: string;
}

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
    private readonly redis: Redis,
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

  async put(item: QueueItem): Promise<void> {
    const live = LIVE_STATUSES.includes(item.status as TicketStatus);
    const previousTeam = await this.redis.hget(this.teamOfKey, item.id);
    const multi = this.redis.multi();
    if (previousTeam && (previousTeam !== item.team || !live)) multi.zrem(this.teamKey(previousTeam), item.id);
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
    const team = await this.redis.hget(this.teamOfKey, id);
    const multi = this.redis.multi().hdel(this.itemsKey, id).hdel(this.teamOfKey, id);
    if (team) multi.zrem(this.teamKey(team), id);
    await multi.exec();
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

  async counts(teams: readonly string[]): Promise<Record<string, number>> {
    const pipe = this.redis.pipeline();
    for (const t of teams) pipe.zcard(this.teamKey(t));
    const res = (await pipe.exec()) ?? [];
    return Object.fromEntries(teams.map((t, i) => [t, Number(res[i]?.[1] ?? 0)]));
  }

  async clear(): Promise<void> {
    const keys = await this.redis.keys(`${this.prefix}:q:*`);
    if (keys.length) await this.redis.del(...keys);
  }
}
