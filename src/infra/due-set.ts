import type { RedisClient } from './redis';

/**
 * The ids of documents that will want a sweeper's attention, and from when: a Redis sorted set
 * (member = id, score = due time in ms) written beside MongoDB by whoever changes the due time, as
 * the live queue index is. A sweeper reads what is due by score, then the documents by `_id`, so
 * its cost follows what is due, not the size of the collection (mongo-java-server scans every
 * filter that is not a unique key). MongoDB stays the truth: an entry is a hint (a stale one is
 * dropped when its document no longer wants it), and a lost one is found by the sweeper's repair
 * from MongoDB, which `repairDue` lets run rarely (and at once when the set itself was lost).
 */
export class DueSet {
  private readonly key: string;
  private readonly marker: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    name: string,
  ) {
    this.key = `${prefix}:due:${name}`;
    this.marker = `${prefix}:due:${name}:repaired`;
  }

  /** Sets (or moves) the due time of `id`; null removes it. */
  async set(id: string, at: Date | number | null): Promise<void> {
    if (at === null) await this.redis.zrem(this.key, id);
    else await this.redis.zadd(this.key, typeof at === 'number' ? at : at.getTime(), id);
  }

  /** Sets many due times in one round trip (a repair's batch). */
  async setMany(entries: [id: string, at: Date][]): Promise<void> {
    if (entries.length) await this.redis.zadd(this.key, ...entries.flatMap(([id, at]) => [at.getTime(), id]));
  }

  async remove(...ids: string[]): Promise<void> {
    if (ids.length) await this.redis.zrem(this.key, ...ids);
  }

  /** Up to `limit` ids due at or before `until`, earliest first. */
  async due(until: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key, '-inf', until, 'LIMIT', 0, limit);
  }

  async size(): Promise<number> {
    return this.redis.zcard(this.key);
  }

  /**
   * Whether this sweep should also repair from MongoDB: true once per `everyMs` across all
   * processes (a marker with that lifetime), and whenever the marker is gone — a new or flushed
   * Redis, whose set is empty too.
   */
  async repairDue(everyMs: number): Promise<boolean> {
    return (await this.redis.set(this.marker, String(Date.now()), 'PX', everyMs, 'NX')) === 'OK';
  }
}
