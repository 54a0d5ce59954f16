import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import type { Principal } from '../auth/principal';
import { LOCALES, type Locale } from '../../core/types';
import { listScope, type KbIndex } from './kb.index';
import type { KbArticleDoc } from './kb.model';
import type { ArticlePayload } from './kb.payloads';
import { proposalFromTicket, type ProposalTickets, type ProposalWords } from './kb.proposal';
import { plainText, renderMarkdown } from './kb.render';
import {
  articleIdParams,
  articleVersionParams,
  articleView,
  createArticleBody,
  kbSearchQuery,
  listArticlesQuery,
  previewBody,
  proposalParams,
  searchResult,
  updateArticleBody,
  useArticleBody,
} from './kb.schemas';
import type { KbSearch } from './kb.search';
import { canPublish, isPublic, type KbService } from './kb.service';

export interface KbRouteDeps {
  kb: KbService;
  search: KbSearch;
  index: KbIndex;
  tickets: ProposalTickets;
  /** the language a ticket is answered in (its customer's) */
  ticketLocale(ticketNumber: number, principal: Principal): Promise<{ locale: Locale; team: string }>;
  proposalWords: Record<Locale, ProposalWords>;
}

export async function articleViewOf(a: KbArticleDoc, kb: KbService, search: KbSearch): Promise<ArticlePayload> {
  const translations = await kb.translations(a);
  return {
    id: String(a._id),
    number: a.number,
    slug: a.slug,
    url: isPublic(a) ? search.urlOf(a) : null,
    locale: a.locale as Locale,
    pairId: a.pairId,
    title: a.title,
    body: a.body,
    html: renderMarkdown(a.body),
    visibility: a.visibility as 'public' | 'internal',
    status: a.status as 'draft' | 'published',
    models: a.models,
    tags: a.tags,
    category: a.category,
    version: a.version,
    versions: a.history.map((h) => ({ version: h.version!, title: h.title ?? '', status: h.status ?? '', visibility: h.visibility ?? '', author: { id: h.author?.id ?? null, name: h.author?.name ?? '' }, at: (h.at ?? a.updatedAt).toISOString() })),
    translations: translations.map((t) => ({ id: String(t._id), locale: t.locale as Locale, slug: t.slug, title: t.title, status: t.status as 'draft' | 'published' })),
    createdBy: { id: a.createdBy.id ?? null, name: a.createdBy.name },
    updatedBy: { id: a.updatedBy.id ?? null, name: a.updatedBy.name },
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    publishedAt: a.publishedAt ? a.publishedAt.toISOString() : null,
    sourceTicket: a.sourceTicket ?? null,
  };
}

/** The knowledge base for agents: write, read with versions, search public and internal articles. */
export function kbRoutes(api: ApiRegistry, d: KbRouteDeps): Router {
  const r = Router();
  const view = (a: KbArticleDoc) => articleViewOf(a, d.kb, d.search);

  api.route(r, { method: 'post', path: '/api/kb/articles', tag: 'knowledge base', summary: 'Write an article (a draft unless a publisher publishes it); every change is a new version', auth: 'agent', body: createArticleBody, status: 201, response: articleView, errors: [409] }, async ({ body, principal }) =>
    view(await d.kb.create(body, principal)),
  );

  api.route(r, { method: 'put', path: '/api/kb/articles/:id', tag: 'knowledge base', summary: 'Change an article: a new version; published articles only by publishers; 409 version_conflict on a stale expectedVersion', auth: 'agent', params: articleIdParams, body: updateArticleBody, response: articleView, errors: [409] }, async ({ params, body, principal }) =>
    view(await d.kb.update(params.id, body, principal)),
  );

  api.route(r, { method: 'get', path: '/api/kb/articles/:id', tag: 'knowledge base', summary: 'An article with its versions and translations', auth: 'agent', params: articleIdParams, response: articleView }, async ({ params }) => view(await d.kb.byId(params.id)));

  api.route(r, { method: 'get', path: '/api/kb/articles/:id/versions/:version', tag: 'knowledge base', summary: 'An earlier version of an article as it was saved', auth: 'agent', params: articleVersionParams }, async ({ params }) => {
    const v = await d.kb.version(params.id, params.version);
    return { ...v, html: renderMarkdown(v.body ?? ''), at: v.at ? new Date(v.at).toISOString() : null };
  });

  api.route(
    r,
    { method: 'get', path: '/api/kb/articles', tag: 'knowledge base', summary: 'Articles of a language, published or drafts, public or internal, of a category or model: newest first, or best first with q (drafts searched too)', auth: 'agent', query: listArticlesQuery },
    async ({ query, principal }) => {
      const scope = listScope(query.status, query.visibility);
      const what = { category: query.category, model: query.model };
      const { ids, total } = query.q
        ? await d.index.search(query.q, { audience: scope, locales: [query.locale], limit: query.limit, only: what }).then((r) => ({ ids: r.hits.map((h) => h.id), total: r.total }))
        : await d.index.list(query.locale, scope, what, query.limit);
      const docs = await d.kb.byIds(ids);
      // the index may lag MongoDB by a moment; MongoDB decides what the list shows
      const items = ids.map((id) => docs.get(id)).filter((a): a is KbArticleDoc => !!a && a.status === query.status && (!query.visibility || a.visibility === query.visibility));
      return { items: items.map((a) => ({ id: String(a._id), slug: a.slug, title: a.title, locale: a.locale, status: a.status, visibility: a.visibility, category: a.category, models: a.models, version: a.version, updatedAt: a.updatedAt.toISOString() })), total, canPublish: canPublish(principal) };
    },
  );

  api.route(r, { method: 'post', path: '/api/kb/preview', tag: 'knowledge base', summary: 'Markdown as the help centre will show it (sanitised HTML), for the editor\'s preview', auth: 'agent', body: previewBody, response: z.object({ html: z.string() }) }, async ({ body }) => ({
    html: renderMarkdown(body.body),
  }));

  api.route(r, { method: 'get', path: '/api/kb/search', tag: 'knowledge base', summary: 'Search published public and internal articles by words (Chinese segmented, synonyms), best first', auth: 'agent', query: kbSearchQuery, response: searchResult }, async ({ query }) =>
    d.search.search(query.q, { audience: 'agents', locales: query.locale ? [query.locale] : LOCALES, limit: query.limit }),
  );

  api.route(r, { method: 'get', path: '/api/kb/proposals/tickets/:number', tag: 'knowledge base', summary: 'A draft article built from a solved ticket (subject, question, the agents\' replies), to edit and save', auth: 'agent', params: proposalParams, errors: [409] }, async ({ params, principal }) =>
    proposalFromTicket(d.tickets, params.number, principal, d.proposalWords),
  );

  api.route(
    r,
    {
      method: 'post',
      path: '/api/kb/articles/:id/uses',
      tag: 'knowledge base',
      summary: 'Put an article into a reply: its link or text in the ticket\'s language (the translation when there is one); counted for the report',
      auth: 'agent',
      params: articleIdParams,
      body: useArticleBody,
      response: z.object({ articleId: z.string(), locale: z.enum(LOCALES), title: z.string(), url: z.string().nullable(), text: z.string(), counted: z.boolean() }),
    },
    async ({ params, body, principal }) => {
      const { locale, team } = await d.ticketLocale(body.ticketNumber, principal);
      const picked = await d.kb.byId(params.id);
      const a = picked.locale === locale ? picked : ((await d.kb.translations(picked)).find((t) => t.locale === locale && t.status === 'published') ?? picked);
      const url = isPublic(a) ? d.search.urlOf(a) : null;
      const text = body.mode === 'text' ? `${a.title}\n\n${plainText(a.body)}` : `${a.title}: ${url ?? ''}`.trim();
      const counted = await d.kb.record('used', a, `${body.ticketNumber}:${String(a._id)}`, { agentId: principal.id, team, ticketNumber: body.ticketNumber });
      return { articleId: String(a._id), locale: a.locale as Locale, title: a.title, url, text, counted };
    },
  );

  return r;
}
