import type { RedisClient } from '../../infra/redis';
import { randomUUID } from 'node:crypto';
import { ANALYSIS_VERSION } from './analyzer';

/**
 * Inverted index in Redis: one sorted set per (scope, term) whose members are document ids. Every
 * search is a handful of ZUNIONSTORE/ZINTERSTORE inside one Lua script (one round trip, atomic,
 * temporary keys removed before it returns), so nothing ever scans MongoDB. MongoDB stays the
 * truth; these keys are rebuilt from it (see the KB and ticket indexes).
 *
 * Redis Cluster: every key a script touches is passed in KEYS (temporary keys included), and every
 * key starts with the index's base, below QUEUE_PREFIX, whose hash tag (`{aftercare}`) puts them
 * all in one slot. Where a script must follow what Redis holds (the keys a document is in now, the
 * team a ticket is filed under), the client reads it first and declares the keys; the script
 * checks that every key it would touch was declared before it writes anything, and otherwise
 * answers "retry" (the document changed in between), and the client reads again.
 */

/** The layout of the keys and scripts; a new one makes a new index, rebuilt from MongoDB. */
const LAYOUT = 2;

/** Where an index's keys live: under the queue prefix, the analysis version and the layout. */
export function indexBase(prefix: string, name: string): string {
  return `${prefix}:search:${ANALYSIS_VERSION}-${LAYOUT}:${name}`;
}

/** A script's answer when a key it would touch was not declared: read again, and call again. */
const RETRY = -1;
const MAX_ATTEMPTS = 8;

/**
 * Replaces a document's postings: removes it from every key it was in, adds it to the new ones.
 * KEYS: docKey, docsKey, the keys the document is in now (as read), then the new keys.
 * ARGV: member, the number of new keys (the last ones of KEYS), their scores.
 */
const REPLACE = `
local docKey, docsKey, member = KEYS[1], KEYS[2], ARGV[1]
local declared = {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
local old = redis.call('SMEMBERS', docKey)
for _, k in ipairs(old) do if not declared[k] then return ${RETRY} end end
for _, k in ipairs(old) do redis.call('ZREM', k, member) end
redis.call('DEL', docKey)
local n = tonumber(ARGV[2])
local first = #KEYS - n
for i = 1, n do
  local k = KEYS[first + i]
  redis.call('ZADD', k, ARGV[2 + i], member)
  redis.call('SADD', docKey, k)
end
if n > 0 then redis.call('SADD', docsKey, member) else redis.call('SREM', docsKey, member) end
return n`;

/*
 * Grouped documents (a ticket under its team). groupOf (a hash: member → group) says under which
 * group a document's postings are; the docKey (a hash: suffix → where the word came from) lists
 * them: bit 1 a message, bit 2 the document's fields (a ticket's subject, model, tags). A word of
 * both stays when the fields change; a word of the old fields only goes.
 */
const FROM_MESSAGE = 1;
const FROM_FIELDS = 2;

/** The group a script works in: the one groupOf holds, set to ARGV's for a new document. */
const GROUP = `
local member, score, group, base = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local held = redis.call('HGET', KEYS[2], member)
if held and held ~= group then return {${RETRY}, held} end
local function has(flags, bit) return math.floor((tonumber(flags) or 0) / bit) % 2 == 1 end`;

/**
 * Adds words to a document under its group (a ticket's message, filed under its team).
 * KEYS: docKey, groupOf, then the group's key of each suffix (in ARGV's order).
 * ARGV: member, score, group, base, source bit, suffixes...
 */
const ADD = `${GROUP}
if not held then redis.call('HSET', KEYS[2], member, group) end
local bit = tonumber(ARGV[5])
for i = 6, #ARGV do
  local s = ARGV[i]
  redis.call('ZADD', KEYS[i - 3], score, member)
  local flags = tonumber(redis.call('HGET', KEYS[1], s)) or 0
  if not has(flags, bit) then redis.call('HSET', KEYS[1], s, flags + bit) end
end
return {#ARGV - 5}`;

/**
 * Sets a grouped document's field words: adds the new ones, removes the old ones no message has.
 * KEYS: docKey, groupOf, the group's key of each new suffix (in ARGV's order), then the keys of
 * the old field-only suffixes (as read). ARGV: member, score, group, base, new suffixes...
 */
const SET_FIELDS = `${GROUP}
local declared, new = {}, {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
for i = 5, #ARGV do new[ARGV[i]] = true end
local drop, keep = {}, {}
local held_flags = redis.call('HGETALL', KEYS[1])
for i = 1, #held_flags, 2 do
  local s, flags = held_flags[i], held_flags[i + 1]
  if has(flags, ${FROM_FIELDS}) and not new[s] then
    if has(flags, ${FROM_MESSAGE}) then table.insert(keep, s) else
      local k = base .. group .. ':' .. s
      if not declared[k] then return {${RETRY}} end
      table.insert(drop, s)
    end
  end
end
if not held then redis.call('HSET', KEYS[2], member, group) end
for _, s in ipairs(drop) do
  redis.call('ZREM', base .. group .. ':' .. s, member)
  redis.call('HDEL', KEYS[1], s)
end
for _, s in ipairs(keep) do redis.call('HSET', KEYS[1], s, ${FROM_MESSAGE}) end
for i = 5, #ARGV do
  local s = ARGV[i]
  redis.call('ZADD', KEYS[i - 2], score, member)
  local flags = tonumber(redis.call('HGET', KEYS[1], s)) or 0
  if not has(flags, ${FROM_FIELDS}) then redis.call('HSET', KEYS[1], s, flags + ${FROM_FIELDS}) end
end
return {#drop}`;

/**
 * Moves a document's postings to another group.
 * KEYS: docKey, groupOf, then each suffix's key in the old group and in the new one (as read).
 * ARGV: member, score, the old group as read ('' for none), base, the new group.
 */
const MOVE = `
local member, score, expected, base, group = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local old = redis.call('HGET', KEYS[2], member)
if (old or '') ~= expected then return ${RETRY} end
if old == group then return 0 end
local declared = {}
for i = 3, #KEYS do declared[KEYS[i]] = true end
local suffixes = redis.call('HKEYS', KEYS[1])
for _, s in ipairs(suffixes) do
  if (old and not declared[base .. old .. ':' .. s]) or not declared[base .. group .. ':' .. s] then return ${RETRY} end
end
for _, s in ipairs(suffixes) do
  if old then redis.call('ZREM', base .. old .. ':' .. s, member) end
  redis.call('ZADD', base .. group .. ':' .. s, score, member)
end
redis.call('HSET', KEYS[2], member, group)
return #suffixes`;

/**
 * Ranked OR search. KEYS: docsKey, the output key, one temporary key per group, then the term
 * keys. ARGV[1] JSON {groups:[{keys:[index into KEYS], weights}], offset, limit, only?:[index
 * into KEYS], onlyTmp?}: with only, the hits outside the union of those sets (an article's model,
 * one set per language) are dropped inside the script, before the page is cut. Each group (a
 * query word and its alternatives) is the best of its alternatives (AGGREGATE MAX); groups add up
 * weighted by their rarity (BM25's idf over the group's hits). Returns {total, id, score, ...}.
 */
const RANKED = `
local spec = cjson.decode(ARGV[1])
local N = redis.call('SCARD', KEYS[1])
if N < 1 then N = 1 end
local out = KEYS[2]
local tmps, gkeys, gweights = {}, {}, {}
for i, g in ipairs(spec.groups) do
  local gk = KEYS[2 + i]
  table.insert(tmps, gk)
  local args = {'ZUNIONSTORE', gk, #g.keys}
  for _, k in ipairs(g.keys) do table.insert(args, KEYS[k]) end
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
  table.insert(tmps, out)
  local args = {'ZUNIONSTORE', out, #gkeys}
  for _, k in ipairs(gkeys) do table.insert(args, k) end
  table.insert(args, 'WEIGHTS')
  for _, w in ipairs(gweights) do table.insert(args, tostring(w)) end
  table.insert(args, 'AGGREGATE')
  table.insert(args, 'SUM')
  result[1] = redis.call(unpack(args))
  if spec.only then
    local only = KEYS[spec.onlyTmp]
    table.insert(tmps, only)
    local u = {'ZUNIONSTORE', only, #spec.only}
    for _, k in ipairs(spec.only) do table.insert(u, KEYS[k]) end
    redis.call(unpack(u))
    result[1] = redis.call('ZINTERSTORE', out, 2, out, only, 'WEIGHTS', 1, 0, 'AGGREGATE', 'SUM')
  end
  local top = redis.call('ZREVRANGE', out, spec.offset, spec.offset + spec.limit - 1, 'WITHSCORES')
  for _, v in ipairs(top) do table.insert(result, v) end
end
if #tmps > 0 then redis.call('DEL', unpack(tmps)) end
return result`;

/**
 * AND search over groups of documents (tickets per team), newest first by score. KEYS: the output
 * key, the temporary keys, the term keys. ARGV[1] JSON {groups:[{tmp, words:[{tmp, keys}]}], below,
 * limit}, every key an index into KEYS: per group of documents (a team), every query word must
 * match one of its keys; the results of all groups merged.
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
for _, team in ipairs(spec.groups) do
  local words, empty = {}, false
  for _, w in ipairs(team.words) do
    local present = {}
    for _, k in ipairs(w.keys) do if redis.call('EXISTS', KEYS[k]) == 1 then table.insert(present, KEYS[k]) end end
    if #present == 0 then empty = true break end
    table.insert(words, union(KEYS[w.tmp], present))
  end
  if not empty and #words > 0 then
    if #words == 1 then
      table.insert(teamKeys, words[1])
    else
      local args = {'ZINTERSTORE', KEYS[team.tmp], #words}
      for _, k in ipairs(words) do table.insert(args, k) end
      table.insert(args, 'AGGREGATE')
      table.insert(args, 'MAX')
      redis.call(unpack(args))
      table.insert(tmps, KEYS[team.tmp])
      table.insert(teamKeys, KEYS[team.tmp])
    end
  end
end
local result = {}
if #teamKeys > 0 then
  local out = union(KEYS[1], teamKeys)
  local upper = '+inf'
  if spec.below then upper = '(' .. spec.below end
  result = redis.call('ZREVRANGEBYSCORE', out, upper, '-inf', 'LIMIT', 0, spec.limit)
end
if #tmps > 0 then redis.call('DEL', unpack(tmps)) end
return result`;

/** Each script takes the number of its keys first (they vary), then the keys, then its arguments. */
type Script<T> = (numberOfKeys: number, ...keysThenArgs: (string | number)[]) => Promise<T>;
interface Scripts {
  postingsReplace: Script<number>;
  postingsAdd: Script<[number, string?]>;
  postingsSetFields: Script<[number, string?]>;
  postingsMove: Script<number>;
  postingsRanked: Script<(string | number)[]>;
  postingsAll: Script<string[]>;
}
type ScriptRedis = RedisClient & Scripts;

function withScripts(redis: RedisClient): ScriptRedis {
  const r = redis as ScriptRedis;
  if (!r.postingsReplace) {
    redis.defineCommand('postingsReplace', { lua: REPLACE });
    redis.defineCommand('postingsAdd', { lua: ADD });
    redis.defineCommand('postingsSetFields', { lua: SET_FIELDS });
    redis.defineCommand('postingsMove', { lua: MOVE });
    redis.defineCommand('postingsRanked', { lua: RANKED });
    redis.defineCommand('postingsAll', { lua: ALL });
  }
  return r;
}

type ScriptName = keyof Scripts;
type Answer<N extends ScriptName> = Scripts[N] extends Script<infer T> ? T : never;

/** Calls a script with its keys declared: how many, which, then the other arguments. */
function call<N extends ScriptName>(redis: ScriptRedis, name: N, keys: string[], args: (string | number)[]): Promise<Answer<N>> {
  return (redis[name] as Script<Answer<N>>).call(redis, keys.length, ...keys, ...args);
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

/** Numbers keys into one KEYS list (a key named twice is declared once). */
class KeyList {
  readonly keys: string[] = [];
  private readonly at = new Map<string, number>();

  /** the key's 1-based index in KEYS, as Lua counts */
  add(key: string): number {
    let i = this.at.get(key);
    if (i === undefined) {
      this.keys.push(key);
      i = this.keys.length;
      this.at.set(key, i);
    }
    return i;
  }
}

export class Postings {
  private readonly r: ScriptRedis;

  constructor(
    redis: RedisClient,
    /** every key of this index starts with it (see indexBase), e.g. `aftercare:search:1a2b3c4d-2:kb` */
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

  private tmpBase(): string {
    return this.key('tmp', randomUUID());
  }

  /** Runs a script until it finds the keys it was given still the ones it must touch. */
  private async retrying<T>(what: string, attempt: () => Promise<T | typeof RETRY>): Promise<T> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const res = await attempt();
      if (res !== RETRY) return res;
    }
    throw new Error(`search index: ${what} kept changing under a concurrent writer`);
  }

  async replace(member: string, postings: Map<string, number>): Promise<void> {
    const keys = [...postings.keys()];
    const scores = keys.map((k) => Number(postings.get(k)!.toFixed(4)));
    await this.retrying('replace', async () => {
      const held = await this.r.smembers(this.docKey(member));
      return call(this.r, 'postingsReplace', [this.docKey(member), this.docsKey, ...held, ...keys], [member, keys.length, ...scores]);
    });
  }

  async remove(member: string): Promise<void> {
    await this.replace(member, new Map());
  }

  /** `only`: keep the hits that are in one of these sets (ids only; their scores do not count). */
  async ranked(groups: KeyGroup[], offset: number, limit: number, only?: string[]): Promise<{ total: number; hits: RankedHit[] }> {
    if (!groups.length) return { total: 0, hits: [] };
    const tmp = this.tmpBase();
    const list = new KeyList();
    list.add(this.docsKey);
    list.add(`${tmp}:out`);
    groups.forEach((_, i) => list.add(`${tmp}:g${i + 1}`));
    const spec = { groups: groups.map((g) => ({ keys: g.keys.map((k) => list.add(k)), weights: g.weights })), offset, limit, ...(only?.length ? { onlyTmp: list.add(`${tmp}:only`), only: only.map((k) => list.add(k)) } : {}) };
    const res = await call(this.r, 'postingsRanked', list.keys, [JSON.stringify(spec)]);
    const hits: RankedHit[] = [];
    for (let i = 1; i < res.length; i += 2) hits.push({ id: String(res[i]), score: Number(res[i + 1]) });
    return { total: Number(res[0]), hits };
  }

  // ---- grouped documents (tickets under their team) --------------------------------------------

  private get groupOfKey(): string {
    return `${this.base}:groupof`;
  }

  private get groupBase(): string {
    return `${this.base}:g:`;
  }

  /** The key of a suffix (`p:<term>`, capped) in a group; the scripts build the same names from groupBase. */
  groupKey(group: string, suffix: string): string {
    return `${this.groupBase}${group}:${Postings.suffix(suffix)}`;
  }

  private static suffix(s: string): string {
    return s.slice(0, 80);
  }

  /**
   * Adds a message's words (suffixes) to a document. `group` is where the caller believes it is
   * filed; when Redis holds another (the ticket moved meanwhile), the words go there.
   */
  async addGrouped(member: string, score: number, group: string, suffixes: string[]): Promise<void> {
    const unique = [...new Set(suffixes.map(Postings.suffix))];
    if (!unique.length) return;
    await this.inGroup(group, (g) =>
      call(this.r, 'postingsAdd', [this.docKey(member), this.groupOfKey, ...unique.map((s) => this.groupKey(g, s))], [member, score, g, this.groupBase, FROM_MESSAGE, ...unique]),
    );
  }

  /** Sets a document's field words (a ticket's subject, model, tags): the words the old fields alone had leave. */
  async setFields(member: string, score: number, group: string, suffixes: string[]): Promise<void> {
    const unique = [...new Set(suffixes.map(Postings.suffix))];
    await this.inGroup(group, async (g) => {
      const held = await this.r.hgetall(this.docKey(member));
      const drop = Object.entries(held)
        .filter(([s, flags]) => Number(flags) === FROM_FIELDS && !unique.includes(s))
        .map(([s]) => this.groupKey(g, s));
      return call(this.r, 'postingsSetFields', [this.docKey(member), this.groupOfKey, ...unique.map((s) => this.groupKey(g, s)), ...drop], [member, score, g, this.groupBase, ...unique]);
    });
  }

  /** Runs a grouped script in `group`, or again in the group Redis answers it holds the document under. */
  private async inGroup(group: string, run: (group: string) => Promise<[number, string?]>): Promise<void> {
    let g = group;
    await this.retrying('grouped write', async () => {
      const [n, held] = await run(g);
      if (n === RETRY && held) g = held;
      return n;
    });
  }

  async moveGrouped(member: string, score: number, group: string): Promise<void> {
    await this.retrying('move', async () => {
      const [[, old], [, suffixes]] = ((await this.r.multi().hget(this.groupOfKey, member).hkeys(this.docKey(member)).exec()) ?? []) as [[unknown, string | null], [unknown, string[]]];
      const keys = suffixes.flatMap((s) => [...(old ? [this.groupKey(old, s)] : []), this.groupKey(group, s)]);
      return call(this.r, 'postingsMove', [this.docKey(member), this.groupOfKey, ...keys], [member, score, old ?? '', this.groupBase, group]);
    });
  }

  /** Members of every group in `groups` matching all words, highest score first, scores below `below`. */
  async all(groups: { alternatives: string[][] }[], limit: number, below?: number): Promise<string[]> {
    if (!groups.length || groups.every((g) => !g.alternatives.length)) return [];
    const tmp = this.tmpBase();
    const list = new KeyList();
    list.add(`${tmp}:out`);
    const spec = {
      groups: groups.map((g, ti) => ({
        tmp: list.add(`${tmp}:${ti + 1}`),
        words: g.alternatives.map((keys, wi) => ({ tmp: list.add(`${tmp}:${ti + 1}:${wi + 1}`), keys: keys.map((k) => list.add(k)) })),
      })),
      limit,
      below,
    };
    return call(this.r, 'postingsAll', list.keys, [JSON.stringify(spec)]);
  }
}
