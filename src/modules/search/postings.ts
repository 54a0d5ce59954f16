import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/**
 * Inverted index in Redis: one sorted set per (scope, term) whose members are document ids. Every
 * search is a handful of ZUNIONSTORE/ZINTERSTORE inside one Lua script (one round trip, atomic,
 * temporary keys removed before it returns), so nothing ever scans MongoDB. MongoDB stays the
 * truth; these keys are rebuilt from it (see the KB and ticket indexes).
 *
 * Scripts name keys they build from their arguments, which is fine on a single Redis (the
 * project's deployment) and not on Redis Cluster.
 */

/** Replaces a document's postings: removes it from every key it was in, adds it to the new ones. */
const REPLACE = `
local docKey, member, docsKey = KEYS[1], ARGV[1], KEYS[2]
for _, k in ipairs(redis.call('SMEMBERS', docKey)) do redis.call('ZREM', k, member) end
redis.call('DEL', docKey)
local n = (#ARGV - 1) / 2
for i = 1, n do
  local k, s = ARGV[2 * i], ARGV[2 * i + 1]
  redis.call('ZADD', k, s, member)
  redis.call('SADD', docKey, k)
end
if n > 0 then redis.call('SADD', docsKey, member) else redis.call('SREM', docsKey, member) end
return n`;

/**
 * Adds postings to a document kept under its group (a ticket under its team): the group is read
 * here, so a message indexed while the ticket moves lands in the team it moved to.
 * KEYS: docKey, groupOfKey; ARGV: member, score, base, fallbackGroup, suffixes...
 */
const ADD = `
local docKey, groupOf = KEYS[1], KEYS[2]
local member, score, base = ARGV[1], ARGV[2], ARGV[3]
local group = redis.call('HGET', groupOf, member)
if not group then group = ARGV[4]; redis.call('HSET', groupOf, member, group) end
for i = 5, #ARGV do
  redis.call('ZADD', base .. group .. ':' .. ARGV[i], score, member)
  redis.call('SADD', docKey, ARGV[i])
end
return #ARGV - 4`;

/** Moves a document's postings to another group. KEYS: docKey, groupOfKey; ARGV: member, score, base, newGroup */
const MOVE = `
local docKey, groupOf = KEYS[1], KEYS[2]
local member, score, base, group = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local old = redis.call('HGET', groupOf, member)
if old == group then return 0 end
local suffixes = redis.call('SMEMBERS', docKey)
for _, s in ipairs(suffixes) do
  if old then redis.call('ZREM', base .. old .. ':' .. s, member) end
  redis.call('ZADD', base .. group .. ':' .. s, score, member)
end
redis.call('HSET', groupOf, member, group)
return #suffixes`;

/**
 * Ranked OR search. ARGV[1] JSON {tmp, docsKey, groups:[{keys, weights}], offset, limit}. Each group
 * (a query word and its alternatives) is the best of its alternatives (AGGREGATE MAX); groups add
 * up weighted by their rarity (BM25's idf over the group's hits). Returns {total, id, score, ...}.
 */
const RANKED = `
local spec = cjson.decode(ARGV[1])
local N = redis.call('SCARD', spec.docsKey)
if N < 1 then N = 1 end
local tmps, gkeys, gweights = {}, {}, {}
for i, g in ipairs(spec.groups) do
  local gk = spec.tmp .. ':g' .. i
  table.insert(tmps, gk)
  local args = {'ZUNIONSTORE', gk, #g.keys}
  for _, k in ipairs(g.keys) do table.insert(args, k) end
  table.insert(args, 'WEIGHTS')
  for _, w in ipairs(g.weights) do table.insert(args, w) end
  table.insert(args, 'AGGREGATE')
  table.insert(args, 'MAX')
  local n = redis.call(unpack(args))
  if n > 0 then
    table.insert(gkeys, gk)
    table.insert(gweights, math.log(1 + (N - n + 0.5) / (n + 0.5)))
  end
end
local result = {0}
if #gkeys > 0 then
  local out = spec.tmp .. ':out'
  table.insert(tmps, out)
  local args = {'ZUNIONSTORE', out, #gkeys}
  for _, k in ipairs(gkeys) do table.insert(args, k) end
  table.insert(args, 'WEIGHTS')
  for _, w in ipairs(gweights) do table.insert(args, tostring(w)) end
  table.insert(args, 'AGGREGATE')
  table.insert(args, 'SUM')
  result[1] = redis.call(unpack(args))
  local top = redis.call('ZREVRANGE', out, spec.offset, spec.offset + spec.limit - 1, 'WITHSCORES')
  for _, v in ipairs(top) do table.insert(result, v) end
end
if #tmps > 0 then redis.call('DEL', unpack(tmps)) end
return result`;

/**
 * AND search over groups of documents (tickets per team), newest first by score.
 * ARGV[1] JSON {tmp, groups:[{alternatives:[[key, ...], ...]}], below, limit}: per group of documents
 * (a team), every query word must match one of its keys; results of all groups merged.
 */
const ALL = `
local spec = cjson.decode(ARGV[1])
local tmps, teamKeys = {}, {}
local function union(dst, keys)
  if #keys == 1 then return keys[1] end
  local args = {'ZUNIONSTORE', dst, #keys}
  for _, k in ipairs(keys) do table.insert(args, k) end
  table.insert(args, 'AGGREGATE')
  table.insert(args, 'MAX')
  redis.call(unpack(args))
  table.insert(tmps, dst)
  return dst
end
for ti, team in ipairs(spec.groups) do
  local words, empty = {}, false
  for wi, keys in ipairs(team.alternatives) do
    local present = {}
    for _, k in ipairs(keys) do if redis.call('EXISTS', k) == 1 then table.insert(present, k) end end
    if #present == 0 then empty = true break end
    table.insert(words, union(spec.tmp .. ':' .. ti .. ':' .. wi, present))
  end
  if not empty and #words > 0 then
    if #words == 1 then
      table.insert(teamKeys, words[1])
    else
      local dst = spec.tmp .. ':' .. ti
      local args = {'ZINTERSTORE', dst, #words}
      for _, k in ipairs(words) do table.insert(args, k) end
      table.insert(args, 'AGGREGATE')
      table.insert(args, 'MAX')
      redis.call(unpack(args))
      table.insert(tmps, dst)
      table.insert(teamKeys, dst)
    end
  end
end
local result = {}
if #teamKeys > 0 then
  local out = union(spec.tmp .. ':out', teamKeys)
  local upper = '+inf'
  if spec.below then upper = '(' .. spec.below end
  result = redis.call('ZREVRANGEBYSCORE', out, upper, '-inf', 'LIMIT', 0, spec.limit)
end
if #tmps > 0 then redis.call('DEL', unpack(tmps)) end
return result`;

type ScriptRedis = Redis & {
  postingsReplace(docKey: string, docsKey: string, member: string, ...pairs: (string | number)[]): Promise<number>;
  postingsAdd(docKey: string, groupOf: string, member: string, score: number, base: string, group: string, ...suffixes: string[]): Promise<number>;
  postingsMove(docKey: string, groupOf: string, member: string, score: number, base: string, group: string): Promise<number>;
  postingsRanked(spec: string): Promise<(string | number)[]>;
  postingsAll(spec: string): Promise<string[]>;
};

function withScripts(redis: Redis): ScriptRedis {
  const r = redis as ScriptRedis;
  if (!r.postingsReplace) {
    redis.defineCommand('postingsReplace', { numberOfKeys: 2, lua: REPLACE });
    redis.defineCommand('postingsAdd', { numberOfKeys: 2, lua: ADD });
    redis.defineCommand('postingsMove', { numberOfKeys: 2, lua: MOVE });
    redis.defineCommand('postingsRanked', { numberOfKeys: 0, lua: RANKED });
    redis.defineCommand('postingsAll', { numberOfKeys: 0, lua: ALL });
  }
  return r;
}

export interface RankedHit {
  id: string;
  score: number;
}

/** A query word for the index: the keys of its alternatives and their weights. */
export interface KeyGroup {
  keys: string[];
  weights: number[];
}

export class Postings {
  private readonly r: ScriptRedis;

  constructor(
    redis: Redis,
    /** every key of this index starts with it, e.g. `aftercare:search:1a2b3c4d:kb` */
    readonly base: string,
  ) {
    this.r = withScripts(redis);
  }

  /** Terms are capped so that no input makes a huge key name. */
  key(...parts: string[]): string {
    return `${this.base}:${parts.map((p) => p.slice(0, 64)).join(':')}`;
  }

  get docsKey(): string {
    return `${this.base}:docs`;
  }

  private docKey(member: string): string {
    return `${this.base}:doc:${member}`;
  }

  async replace(member: string, postings: Map<string, number>): Promise<void> {
    const pairs: (string | number)[] = [];
    for (const [k, s] of postings) pairs.push(k, Number(s.toFixed(4)));
    await this.r.postingsReplace(this.docKey(member), this.docsKey, member, ...pairs);
  }

  async remove(member: string): Promise<void> {
    await this.r.postingsReplace(this.docKey(member), this.docsKey, member);
  }

  async ranked(groups: KeyGroup[], offset: number, limit: number): Promise<{ total: number; hits: RankedHit[] }> {
    if (!groups.length) return { total: 0, hits: [] };
    const res = await this.r.postingsRanked(JSON.stringify({ tmp: this.key('tmp', randomUUID()), docsKey: this.docsKey, groups, offset, limit }));
    const hits: RankedHit[] = [];
    for (let i = 1; i < res.length; i += 2) hits.push({ id: String(res[i]), score: Number(res[i + 1]) });
    return { total: Number(res[0]), hits };
  }

  // ---- grouped documents (tickets under their team) --------------------------------------------

  private get groupOfKey(): string {
    return `${this.base}:groupof`;
  }

  groupKey(group: string, suffix: string): string {
    return `${this.base}:g:${group}:${suffix.slice(0, 80)}`;
  }

  async addGrouped(member: string, score: number, group: string, suffixes: string[]): Promise<void> {
    if (!suffixes.length) return;
    await this.r.postingsAdd(this.docKey(member), this.groupOfKey, member, score, `${this.base}:g:`, group, ...suffixes.map((s) => s.slice(0, 80)));
  }

  async moveGrouped(member: string, score: number, group: string): Promise<void> {
    await this.r.postingsMove(this.docKey(member), this.groupOfKey, member, score, `${this.base}:g:`, group);
  }

  /** Members of every group in `groups` matching all words, highest score first, scores below `below`. */
  async all(groups: { alternatives: string[][] }[], limit: number, below?: number): Promise<string[]> {
    if (!groups.length || groups.every((g) => !g.alternatives.length)) return [];
    return this.r.postingsAll(JSON.stringify({ tmp: this.key('tmp', randomUUID()), groups, limit, below }));
  }

  /** Deletes every key of this index (a rebuild starts from nothing). Iterates with SCAN, never KEYS. */
  async clear(pattern = `${this.base}:*`): Promise<number> {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await this.r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) n += await this.r.unlink(...keys);
    } while (cursor !== '0');
    return n;
  }
}
