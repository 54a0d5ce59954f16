import { Request, Response, Router } from 'express';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { take } from '../../infra/rate-limit';
import type { Templates } from '../../mail/templates';
import { LOCALES, type Locale } from '../../core/types';
import type { KbIndex } from './kb.index';
import type { KbArticleDoc } from './kb.model';
import { renderMarkdown } from './kb.render';
import { deflectionBody, helpSearchQuery, KB_CATEGORIES, searchResult } from './kb.schemas';
import type { KbSearch } from './kb.search';
import { isPublic, type KbService } from './kb.service';

export type HelpStrings = Record<string, string> & { categories: Record<string, string> };

export interface HelpRouteDeps {
  kb: KbService;
  search: KbSearch;
  index: KbIndex;
  templates: Templates;
  strings: Record<Locale, HelpStrings>;
  /** the chat widget's signed visitor id, when the visitor has one */
  verifyVisitor(token: string | undefined): string | null;
  deflectionLimiter: RateLimiterRedis;
}

// pages answer every query with a page: an unknown `lang` falls back to the browser's language
const langQuery = z.object({ lang: z.string().max(10).optional() }).loose();
const pageQuery = z.object({ lang: z.string().max(10).optional(), q: z.string().max(2000).optional() }).loose();
const slugParams = z.strictObject({ slug: z.string().min(1).max(120) });
const categoryParams = z.strictObject({ category: z.string().max(40) });
const modelParams = z.strictObject({ model: z.string().max(40) });
const RECENT = 10;
const LIST = 50;

/** The visitor's language: `?lang=`, else the browser's Accept-Language, else English. */
export function visitorLocale(req: Request): Locale {
  const lang = typeof req.query.lang === 'string' ? req.query.lang : '';
  if (lang === 'zh-CN' || lang === 'en') return lang;
  return /^\s*zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh-CN' : 'en';
}

/**
 * The public help centre (server-rendered, no JavaScript needed) and the public search the widget
 * uses. Only published public articles ever reach these routes: the index's `public` audience
 * holds nothing else, and every article is checked again against MongoDB before it is shown.
 */
export function helpRoutes(api: ApiRegistry, d: HelpRouteDeps): Router {
  const r = Router();
  // the widget runs on the company's own site, another origin: public, read-mostly, no credentials
  r.use('/api/help', (req, res, next) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600' });
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });

  const page = (res: Response, status: number, locale: Locale, data: Record<string, unknown>) => {
    const t = d.strings[locale];
    const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
    res
      .status(status)
      .set({ 'Cache-Control': 'public, max-age=60', 'Content-Language': locale, Vary: 'Accept-Language' })
      .type('html')
      .send(d.templates.renderPage('help', { locale, t, otherLang: other, otherLangName: d.strings[other].languageName, ...data }));
  };
  const card = (a: KbArticleDoc) => ({ slug: a.slug, title: a.title, locale: a.locale, models: a.models, updatedAt: a.updatedAt });
  const listOf = async (locale: Locale, what: { category?: string; model?: string }, limit: number) => {
    const { ids, total } = await d.index.list(locale, 'public', what, limit);
    const docs = await d.kb.byIds(ids);
    return { items: ids.map((id) => docs.get(id)).filter((a): a is KbArticleDoc => !!a && isPublic(a)).map(card), total };
  };
  const categories = (locale: Locale, counts: Record<string, number>) =>
    KB_CATEGORIES.map((key) => ({ key, name: d.strings[locale].categories[key], count: counts[key] ?? 0 })).filter((c) => c.count > 0);

  api.route(r, { method: 'get', path: '/api/help/search', tag: 'help centre', summary: 'Public search of published public articles (the widget and the help pages); the visitor\'s language unless `locale`', auth: 'public', query: helpSearchQuery, response: searchResult }, async ({ query, req, res }) => {
    res.set('Cache-Control', 'no-store');
    return d.search.search(query.q, { audience: 'public', locales: [query.locale ?? visitorLocale(req)], limit: query.limit });
  });

  api.route(
    r,
    { method: 'post', path: '/api/help/deflections', tag: 'help centre', summary: '"This answered my question": the visitor leaves without a ticket; counted once per visitor (or suggestion) and article', auth: 'public', body: deflectionBody, status: 202, response: z.object({ counted: z.boolean() }) },
    async ({ body, req }) => {
      await take(d.deflectionLimiter, req.ip ?? 'unknown', 'Too many requests; try again later');
      const a = await d.kb.byId(body.articleId).catch(() => null);
      if (!a || !isPublic(a)) return { counted: false };
      const visitor = d.verifyVisitor(body.visitorToken);
      const counted = await d.kb.record('deflected', a, visitor ? `v:${visitor}:${body.articleId}` : `c:${body.clientId}:${body.articleId}`);
      return { counted };
    },
  );

  api.route(r, { method: 'get', path: '/help', tag: 'help centre', produces: ['text/html'], summary: 'The help centre\'s home (HTML): search, categories, recent articles, products', auth: 'public', query: langQuery }, async ({ req, res }) => {
    const locale = visitorLocale(req);
    const [counts, recent] = await Promise.all([d.index.counts(locale, 'public', KB_CATEGORIES), listOf(locale, {}, RECENT)]);
    const models = [...new Set(recent.items.flatMap((a) => a.models))].sort();
    page(res, 200, locale, { home: true, title: d.strings[locale].title, categories: categories(locale, counts), recent: recent.items, models });
  });

  api.route(r, { method: 'get', path: '/help/search', tag: 'help centre', produces: ['text/html'], summary: 'Search results (HTML)', auth: 'public', query: pageQuery }, async ({ req, res }) => {
    const locale = visitorLocale(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const { items } = q ? await d.search.search(q, { audience: 'public', locales: [locale], limit: 20 }) : { items: [] };
    page(res, 200, locale, { searchPage: true, title: d.strings[locale].searchTitle, q, results: items, none: !!q && !items.length });
  });

  api.route(r, { method: 'get', path: '/help/category/:category', tag: 'help centre', produces: ['text/html'], pageStatus: [404], summary: 'The articles of one category (HTML)', auth: 'public', params: categoryParams, query: langQuery }, async ({ params, req, res }) => {
    const locale = visitorLocale(req);
    if (!(KB_CATEGORIES as readonly string[]).includes(params.category)) return page(res, 404, locale, { missing: true, title: d.strings[locale].notFoundTitle });
    const { items } = await listOf(locale, { category: params.category }, LIST);
    page(res, 200, locale, { listPage: true, title: d.strings[locale].categories[params.category], items });
  });

  api.route(r, { method: 'get', path: '/help/model/:model', tag: 'help centre', produces: ['text/html'], pageStatus: [404], summary: 'The articles about one product model (HTML)', auth: 'public', params: modelParams, query: langQuery }, async ({ params, req, res }) => {
    const locale = visitorLocale(req);
    const { items } = await listOf(locale, { model: params.model }, LIST);
    page(res, items.length ? 200 : 404, locale, { listPage: true, title: `${d.strings[locale].modelTitle} ${params.model}`, items, empty: !items.length });
  });

  api.route(r, { method: 'get', path: '/help/:slug', tag: 'help centre', produces: ['text/html'], pageStatus: [404], summary: 'One published public article (HTML); anything else is 404', auth: 'public', params: slugParams, query: langQuery }, async ({ params, req, res }) => {
    const locale = visitorLocale(req);
    const a = await d.kb.publicBySlug(params.slug).catch(() => null);
    if (!a) return page(res, 404, locale, { missing: true, title: d.strings[locale].notFoundTitle });
    const translation = (await d.kb.translations(a)).find(isPublic);
    page(res, 200, locale, {
      articlePage: true,
      title: a.title,
      article: { title: a.title, html: renderMarkdown(a.body), locale: a.locale, models: a.models, updatedAt: a.updatedAt.toISOString().slice(0, 10), category: d.strings[locale].categories[a.category] ?? a.category, categoryKey: a.category },
      translation: translation ? { slug: translation.slug, title: translation.title, locale: translation.locale, lang: translation.locale } : null,
    });
  });

  return r;
}
