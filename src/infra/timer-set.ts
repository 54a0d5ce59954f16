import { DueSet } from './due-set';
import type { RedisClient } from './redis';

/**
 * Sets the due time of a member unless a newer revision is stored (KEYS: the set, its revisions;
 * ARGV: member, score or '' to remove, revision, mode, nudge channel). Mode 'write' applies at the
 * stored revision or a later one (a write's own re-plan; the evaluator releasing its lease at the
 * revision it read); mode 'repair' only adds a missing member or one of an older revision (a
 * repair from MongoDB never cuts a running lease short). A new earliest time is published on the
 * channel, so that a sleeping timer loop wakes for it. Returns 1 when applied.
 */
const PUT = `
local stored = redis.call('HGET', KEYS[2], ARGV[1])
local rev = tonumber(ARGV[3])
if stored then
  if rev < tonumber(stored) then return 0 end
  if ARGV[4] == 'repair' and rev == tonumber(stored) and redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
end
if ARGV[2] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
local at = tonumber(ARGV[2])
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
redis.call('ZADD', KEYS[1], at, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], rev)
if head[2] == nil or at < tonumber(head[2]) then redis.call('PUBLISH', ARGV[5], ARGV[2]) end
return 1
`;

/**
 * Claims up to ARGV[2] members due at or before ARGV[1]: each gets the lease's end (ARGV[3]) as
 * its score, so no other process takes it, and it comes back by itself if the claimer dies before
 * it re-plans the member. Returns the ids, then the score of the new earliest member ('' if none).
 */
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[3], id) end
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
ids[#ids + 1] = head[2] or ''
return ids
`;

type Script<T> = (...args: (string | number)[]) => Promise<T>;
type ScriptRedis = RedisClient & { timerSetPut: Script<number>; timerSetClaim: Script<string[]> };

function withScripts(redis: RedisClient): ScriptRedis {
  const r = redis as ScriptRedis;
  if (!r.timerSetPut) {
    redis.defineCommand('timerSetPut', { lua: PUT });
    redis.defineCommand('timerSetClaim', { lua: CLAIM });
  }
  return r;
}

/** One member's due time at a revision of its document (null: it wants none). */
export type TimerEntry = [id: string, at: Date | number | null, rev: number];

/**
 * Timers as one Redis sorted set (member = the id of the document to evaluate, score = its next
 * due time in ms), which a timer loop (src/infra/timer-loop.ts) claims from: one entry per
 * document whatever it waits for, written with one script call beside the MongoDB write that moved
 * the time. MongoDB stays the truth: an entry is a trigger, written at the document's revision (an
 * older revision's late write never moves a newer one's time), and a lost one is re-created by
 * the sweeper's repair from MongoDB (DueSet). The same set is the sweeper's due set.
 */
export class TimerSet extends DueSet {
  /** the channel a new earliest time is published on */
  readonly nudges: string;
  private readonly revs: string;
  private readonly scripts: ScriptRedis;

  constructor(redis: RedisClient, prefix: string, name: string) {
    super(redis, prefix, name);
    this.nudges = `${this.key}:nudge`;
    this.revs = `${this.key}:rev`;
    this.scripts = withScripts(redis);
  }

  /** Sets (null: removes) the due time of `id` as written at revision `rev`; false when a newer revision is stored. */
  async put(id: string, at: Date | number | null, rev: number, mode: 'write' | 'repair' = 'write'): Promise<boolean> {
    const score = at === null ? '' : String(typeof at === 'number' ? at : at.getTime());
    return (await this.scripts.timerSetPut(2, this.key, this.revs, id, score, rev, mode, this.nudges)) === 1;
  }

  /** The repair's batch: adds the entries that are missing or older (never cuts a lease short). Returns those applied. */
  async repairMany(entries: TimerEntry[]): Promise<TimerEntry[]> {
    const done = await Promise.all(entries.map(([id, at, rev]) => this.put(id, at, rev, 'repair')));
    return entries.filter((_, i) => done[i]);
  }

  /** Removes an entry whatever its revision (its document is gone or has nothing to wait for). */
  async drop(id: string): Promise<void> {
    await this.redis.multi().zrem(this.key, id).hdel(this.revs, id).exec();
  }

  /**
   * Claims up to `limit` ids due at or before `now`, each leased until `leaseUntil` (its score
   * meanwhile). Returns them and the earliest score left (null: the set is empty).
   */
  async claim(now: number, limit: number, leaseUntil: number): Promise<{ ids: string[]; next: number | null }> {
    const out = await this.scripts.timerSetClaim(1, this.key, now, limit, leaseUntil);
    const next = out.pop();
    return { ids: out, next: next ? Number(next) : null };
  }
}
