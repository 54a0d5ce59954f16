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
  protected readonly key: string;
  private readonly marker: string;

  constructor(
    protected readonly redis: RedisClient,
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
   * What a sweeper reads: the documents due at or before `until` (up to `limit`) — ids from the set,
   * then the documents by `_id` (`byIds`), so the cost follows what is due. An entry whose document
   * no longer wants that time (`wants`: its due time now, null when it wants none) is moved or
   * dropped. Once per `repairEveryMs` across processes, and at once when Redis lost the set, the set
   * is first rebuilt from MongoDB (`scan`: every document that wants a time, with it).
   */
  async dueDocs<T>(until: number, limit: number, src: DueSource<T>): Promise<T[]> {
    if (await this.repairDue(src.repairEveryMs)) {
      let batch: [string, Date][] = [];
      for await (const entry of src.scan()) {
        batch.push(entry);
        if (batch.length < 500) continue;
        await this.setMany(batch);
        batch = [];
      }
      await this.setMany(batch);
    }
    const ids = await this.due(until, limit);
    if (!ids.length) return [];
    const byId = new Map((await src.byIds(ids)).map((d) => [src.idOf(d), d]));
    const out: T[] = [];
    for (const id of ids) {
      const doc = byId.get(id);
      const at = doc ? src.wants(doc) : null;
      if (doc && at && at.getTime() <= until) out.push(doc);
      else await this.set(id, at); // done, checked meanwhile or gone: the entry follows the document
    }
    return out;
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

/** Where a sweeper's due documents come from (see DueSet.dueDocs). */
export interface DueSource<T> {
  repairEveryMs: number;
  /** the documents that want a time, with it: the repair's one pass over MongoDB */
  scan(): AsyncIterable<[id: string, at: Date]>;
  byIds(ids: string[]): Promise<T[]>;
  idOf(doc: T): string;
  wants(doc: T): Date | null;
}
