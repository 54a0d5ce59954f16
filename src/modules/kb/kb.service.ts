import { Types } from 'mongoose';
import type { z } from 'zod';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { Principal } from '../auth/principal';
import { nextSequence, type CounterModel } from '../counters/counter.model';
import type { Locale } from '../../core/types';
import type { KbIndex } from './kb.index';
import type { KbArticleDoc, KbModels } from './kb.model';
import { canPublish } from './kb.publishers';
import type { createArticleBody, updateArticleBody } from './kb.schemas';

export { canPublish } from './kb.publishers';

export type CreateArticleInput = z.output<typeof createArticleBody>;
export type UpdateArticleInput = z.output<typeof updateArticleBody>;

class PublishForbiddenError extends AppError {
  constructor() {
    super(403, 'kb_publish_forbidden', 'Only technical support, supervisors and managers publish articles or change published ones; save it as a draft');
  }
}

/** A URL path part from a title: latin words and codes (`AC-3500 E4 fault` → `ac-3500-e4-fault`), then the number. */
export function slugFor(title: string, models: readonly string[], number: number): string {
  const words = `${title} ${models.join(' ')}`
    .normalize('NFKC')
    .toLowerCase()
    .match(/[a-z0-9]+(?:-[a-z0-9]+)*/g);
  let head = [...new Set(words ?? [])].join('-');
  if (head.length > 60) head = head.slice(0, head.lastIndexOf('-', 60) > 0 ? head.lastIndexOf('-', 60) : 60);
  return `${head || 'article'}-${number}`;
}

/** Articles: writing (every change a version), reading, the published/public rules. */
export class KbService {
  constructor(
    private readonly m: KbModels,
    private readonly Counter: CounterModel,
    private readonly index: KbIndex,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async create(input: CreateArticleInput, principal: Principal): Promise<KbArticleDoc> {
    if (input.status === 'published' && !canPublish(principal)) throw new PublishForbiddenError();
    let pairId: string | null = null;
    if (input.translationOf) {
      const original = await this.m.Article.findById(input.translationOf);
      if (!original) throw new ValidationError('translationOf names no article');
      if (original.locale === input.locale) throw new ValidationError('A translation must be in another language than the article it translates');
      pairId = original.pairId;
    }
    const number = await nextSequence(this.Counter, 'kb-article');
    const author = { id: principal.id, name: principal.name };
    const now = this.clock.now();
    const _id = new Types.ObjectId();
    let article: KbArticleDoc;
    try {
      article = await this.m.Article.create({
        _id,
        number,
        slug: slugFor(input.title, input.models, number),
        locale: input.locale,
        pairId: pairId ?? String(_id),
        title: input.title,
        body: input.body,
        visibility: input.visibility,
        status: input.status,
        models: input.models,
        tags: input.tags,
        category: input.category,
        version: 1,
        history: [{ version: 1, title: input.title, status: input.status, visibility: input.visibility, author, at: now }],
        createdBy: author,
        updatedBy: author,
        publishedAt: input.status === 'published' ? now : null,
        sourceTicket: input.sourceTicket ?? null,
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`This article already has a ${input.locale} translation`, 'translation_exists');
      throw err;
    }
    await this.snapshot(article, author);
    await this.reindex(article);
    return article;
  }

  /** A change is a new version; `expectedVersion` makes concurrent editors meet a 409 instead of overwriting. */
  async update(id: string, input: UpdateArticleInput, principal: Principal): Promise<KbArticleDoc> {
    const current = await this.byId(id);
    if ((current.status === 'published' || input.status === 'published') && !canPublish(principal)) throw new PublishForbiddenError();
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw this.conflict(current);
    const { expectedVersion: _ignored, ...fields } = input;
    const author = { id: principal.id, name: principal.name };
    const now = this.clock.now();
    const next = current.version + 1;
    const status = fields.status ?? current.status;
    const visibility = fields.visibility ?? current.visibility;
    const set: Record<string, unknown> = { ...fields, version: next, updatedBy: author };
    if (status === 'published' && current.status !== 'published') set.publishedAt = now;
    const updated = await this.m.Article.findOneAndUpdate(
      { _id: current._id, version: current.version },
      { $set: set, $push: { history: { version: next, title: fields.title ?? current.title, status, visibility, author, at: now } } },
      { new: true },
    );
    if (!updated) throw this.conflict(await this.byId(id));
    await this.snapshot(updated, author);
    await this.reindex(updated);
    return updated;
  }

  async byId(id: string): Promise<KbArticleDoc> {
    const a = Types.ObjectId.isValid(id) ? await this.m.Article.findById(id) : null;
    if (!a) throw new NotFoundError('Article');
    return a;
  }

  /** A published public article by its slug, or 404: what the public may read. */
  async publicBySlug(slug: string): Promise<KbArticleDoc> {
    const a = await this.m.Article.findOne({ slug: slug.slice(0, 120) });
    if (!a || !isPublic(a)) throw new NotFoundError('Article');
    return a;
  }

  /** A stored version (the current one also when its snapshot was never written: the article has it). */
  async version(id: string, version: number) {
    const a = await this.byId(id);
    const v = await this.m.Version.findOne({ articleId: String(a._id), version }).lean();
    if (v) return { ...v, articleId: String(a._id) };
    if (version === a.version) return { articleId: String(a._id), version, title: a.title, body: a.body, visibility: a.visibility, status: a.status, models: a.models, tags: a.tags, category: a.category, author: a.updatedBy, at: a.updatedAt };
    throw new NotFoundError(`Version ${version}`);
  }

  /** The other language of the article's pair (by the unique pair and language: no scan). */
  async translations(a: KbArticleDoc): Promise<KbArticleDoc[]> {
    const others = (['en', 'zh-CN'] as Locale[]).filter((l) => l !== a.locale);
    const found = await Promise.all(others.map((locale) => this.m.Article.findOne({ pairId: a.pairId, locale })));
    return found.filter((x): x is KbArticleDoc => !!x);
  }

  async byIds(ids: string[]): Promise<Map<string, KbArticleDoc>> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    if (!valid.length) return new Map();
    const docs = await this.m.Article.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } });
    return new Map(docs.map((d) => [String(d._id), d]));
  }

  /** Counts an article put into a reply or a chat it ended; the key makes a repeat count once. */
  async record(type: 'used' | 'deflected', article: KbArticleDoc, key: string, extra: { agentId?: string; team?: string | null; ticketNumber?: number } = {}): Promise<boolean> {
    try {
      await this.m.Event.create({ type, articleId: String(article._id), locale: article.locale, key: `${type}:${key}`, at: this.clock.now(), agentId: extra.agentId ?? null, team: extra.team ?? null, ticketNumber: extra.ticketNumber ?? null });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  private conflict(current: KbArticleDoc): ConflictError {
    return new ConflictError(`Someone saved this article meanwhile (now version ${current.version}); reload it and apply your change again`, 'version_conflict', { version: current.version });
  }

  private async snapshot(a: KbArticleDoc, author: { id: string; name: string }): Promise<void> {
    const v = { articleId: String(a._id), version: a.version, title: a.title, body: a.body, visibility: a.visibility, status: a.status, models: a.models, tags: a.tags, category: a.category, author, at: a.updatedAt };
    await this.m.Version.updateOne({ articleId: v.articleId, version: v.version }, { $setOnInsert: v }, { upsert: true });
  }

  /** The index follows MongoDB; when Redis fails the write stands and the sweeper's rebuild repairs it. */
  private async reindex(a: KbArticleDoc): Promise<void> {
    try {
      await this.index.put(a);
    } catch (err) {
      this.log.error({ err, article: String(a._id) }, 'knowledge base index update failed');
      await this.index.invalidate().catch(() => undefined);
    }
  }
}

export function isPublic(a: Pick<KbArticleDoc, 'status' | 'visibility'>): boolean {
  return a.status === 'published' && a.visibility === 'public';
}

