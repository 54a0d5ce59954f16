import { inBatches } from '../../infra/batches';
import type { RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import { ANALYSIS_VERSION, Analyzer, QueryGroup } from '../search/analyzer';
import { indexBase, KeyGroup, Postings } from '../search/postings';
import type { Locale } from '../../core/types';
import type { KbArticleDoc, KbArticleModel } from './kb.model';
import { plainText } from './kb.render';

/** public: published public articles (help centre, widget); agents: every published article */
export type KbAudience = 'public' | 'agents';
/**
 * The console's list and its search: every article is in two scopes, one of its status (`agents`
 * for published, `drafts`) and one of its status and visibility (`public`, `internal`,
 * `drafts-public`, `drafts-internal`), so that a filter by status and audience is one scope.
 * The drafts' scopes are never searched by the help centre, the widget or the composer.
 */
export type KbListScope = KbAudience | 'internal' | 'drafts' | 'drafts-public' | 'drafts-internal';

/** The scope of a list by status and, optionally, visibility. */
export function listScope(status: 'draft' | 'published', visibility?: 'public' | 'internal'): KbListScope {
  if (status === 'published') return visibility ?? 'agents';
  return visibility ? `drafts-${visibility}` : 'drafts';
}

const TITLE_WEIGHT = 3;
const TAG_WEIGHT = 2;
const BODY_K1 = 1.2;
const BODY_B = 0.75;
const BODY_AVG_TERMS = 250;

/** Field-weighted term scores of one article: a title hit weighs three body hits, body hits saturate (BM25). */
export function articleTermScores(analyzer: Analyzer, a: Pick<KbArticleDoc, 'title' | 'body' | 'tags' | 'models'>): Map<string, number> {
  const scores = new Map<string, number>();
  const add = (term: string, s: number) => scores.set(term, (scores.get(term) ?? 0) + s);
  const title = new Set(analyzer.analyze(a.title).map((t) => t.term));
  for (const t of title) add(t, TITLE_WEIGHT);
  const tags = new Set(analyzer.analyze([...(a.tags ?? []), ...(a.models ?? [])].join(' ; ')).map((t) => t.term));
  for (const t of tags) add(t, TAG_WEIGHT);
  const body = analyzer.analyze(plainText(a.body));
  const tf = new Map<string, number>();
  for (const t of body) tf.set(t.term, (tf.get(t.term) ?? 0) + (t.sub ? 0.5 : 1));
  const norm = BODY_K1 * (1 - BODY_B + (BODY_B * body.length) / BODY_AVG_TERMS);
  for (const [term, f] of tf) add(term, (f * (BODY_K1 + 1)) / (f + norm));
  return scores;
}

/**
 * The knowledge base's index in Redis (see Postings): per language and audience, a sorted set per
 * term (scored by field weight) and per category and model (scored by time, for the help centre's
 * lists). A published public article is in both audiences, an internal one only in `agents`, a
 * draft in neither. MongoDB is the truth: `rebuild()` refills the index from it and runs at start
 * when the index of the current analysis version is missing.
 */
export class KbIndex {
  readonly postings: Postings;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly analyzer: Analyzer,
    private readonly Article: KbArticleModel,
    private readonly log: Logger,
  ) {
    // kb2: every article in a scope of its status and one of its status and visibility (the console's filters)
    this.postings = new Postings(redis, indexBase(prefix, 'kb2'));
  }

  private scope(locale: string, audience: KbListScope): string {
    return `${locale}:${audience}`;
  }

  private scopesOf(a: Pick<KbArticleDoc, 'status' | 'visibility'>): KbListScope[] {
    const status = a.status === 'published' ? 'published' : 'draft';
    const visibility = a.visibility === 'internal' ? 'internal' : 'public';
    return [listScope(status), listScope(status, visibility)];
  }

  async put(a: KbArticleDoc): Promise<void> {
    const postings = new Map<string, number>();
    const terms = articleTermScores(this.analyzer, a);
    const when = (a.updatedAt ?? new Date()).getTime();
    for (const aud of this.scopesOf(a)) {
      const scope = this.scope(a.locale, aud);
      for (const [term, s] of terms) postings.set(this.postings.key(scope, term), s);
      postings.set(this.postings.key(scope, '#all'), when);
      postings.set(this.postings.key(scope, '#cat', a.category ?? 'general'), when);
      for (const m of a.models ?? []) postings.set(this.postings.key(scope, '#model', m.toUpperCase()), when);
    }
    await this.postings.replace(String(a._id), postings);
  }

  /**
   * Ranked search. `locales` empty: every language. Returns ids, best first, and how many matched.
   */
  async search(q: string, opts: { audience: KbListScope; locales: readonly Locale[]; offset?: number; limit: number; /** only articles of this category or model */ only?: { category?: string; model?: string } }): Promise<{ groups: QueryGroup[]; total: number; hits: { id: string; score: number }[] }> {
    const groups = this.analyzer.query(q).slice(0, 12);
    const keyGroups: KeyGroup[] = groups.map((g) => {
      const keys: string[] = [];
      const weights: number[] = [];
      for (const loc of opts.locales) {
        for (const alt of g.alternatives) {
          keys.push(this.postings.key(this.scope(loc, opts.audience), alt.term));
          weights.push(alt.weight);
        }
      }
      return { keys, weights };
    });
    const only = opts.only?.category || opts.only?.model ? opts.locales.map((loc) => this.listKey(this.scope(loc, opts.audience), opts.only!)) : undefined;
    const { total, hits } = await this.postings.ranked(keyGroups, opts.offset ?? 0, opts.limit, only);
    return { groups, total, hits };
  }

  /** Newest first: every article of a language and audience, or of a category or model. */
  async list(locale: Locale, audience: KbListScope, what: { category?: string; model?: string }, limit: number): Promise<{ ids: string[]; total: number }> {
    const key = this.listKey(this.scope(locale, audience), what);
    const [[, ids], [, total]] = ((await this.redis.multi().zrevrange(key, 0, limit - 1).zcard(key).exec()) ?? []) as [[unknown, string[]], [unknown, number]];
    return { ids, total };
  }

  /** A scope's articles of a category, else of a model, else all of them (scored by time). */
  private listKey(scope: string, what: { category?: string; model?: string }): string {
    if (what.category) return this.postings.key(scope, '#cat', what.category);
    if (what.model) return this.postings.key(scope, '#model', what.model.toUpperCase());
    return this.postings.key(scope, '#all');
  }

  /** How many public articles each category has (the help centre's home). */
  async counts(locale: Locale, audience: KbAudience, categories: readonly string[]): Promise<Record<string, number>> {
    const pipe = this.redis.pipeline();
    for (const c of categories) pipe.zcard(this.postings.key(this.scope(locale, audience), '#cat', c));
    const res = (await pipe.exec()) ?? [];
    return Object.fromEntries(categories.map((c, i) => [c, Number(res[i]?.[1] ?? 0)]));
  }

  private get builtKey(): string {
    return `${this.postings.base}:built`;
  }

  /** Marks the index stale: the next ensure() (at start, or the sweeper's) rebuilds it. */
  async invalidate(): Promise<void> {
    await this.redis.del(this.builtKey);
  }

  /** Rebuilds from MongoDB when this analysis version's index is missing (a new vocabulary, Redis lost). */
  async ensure(): Promise<boolean> {
    if (await this.redis.exists(this.builtKey)) return false;
    const lock = await this.redis.set(`${this.builtKey}:lock`, '1', 'EX', 120, 'NX');
    if (!lock) return false; // another process is rebuilding
    try {
      await this.rebuild();
      return true;
    } finally {
      await this.redis.del(`${this.builtKey}:lock`);
    }
  }

  async rebuild(): Promise<number> {
    const started = Date.now();
    let n = 0;
    // one query over the articles, read in batches (see inBatches), done once per rebuild, not per search
    for await (const batch of inBatches(this.Article.find({}).cursor({ batchSize: 500 }), 500)) {
      for (const a of batch) await this.put(a);
      n += batch.length;
    }
    await this.redis.set(this.builtKey, String(Date.now()));
    this.log.info({ articles: n, ms: Date.now() - started, version: ANALYSIS_VERSION }, 'knowledge base index rebuilt');
    return n;
  }
}
