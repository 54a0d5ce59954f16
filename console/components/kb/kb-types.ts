import type { ArticlePayload } from '../../../src/modules/kb/kb.payloads';

/** The server's own wire shapes (type-only imports of its leaves: nothing of the server enters the bundle). */
export type Article = ArticlePayload;
export type ArticleLocale = Article['locale'];

/** A row of GET /api/kb/articles. */
export interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  locale: ArticleLocale;
  status: 'draft' | 'published';
  visibility: 'public' | 'internal';
  category: string;
  models: string[];
  version: number;
  updatedAt: string;
}

/** GET /api/kb/articles/:id/versions/:n */
export interface ArticleVersion {
  version: number;
  title: string;
  body: string;
  html: string;
  status: string;
  visibility: string;
  models: string[];
  tags: string[];
  category: string;
  author: { id: string | null; name: string } | null;
  at: string | null;
}

/** What the editor writes: an article's fields (a proposal from a ticket has the same shape). */
export interface ArticleDraft {
  locale: ArticleLocale;
  title: string;
  body: string;
  visibility: 'public' | 'internal';
  status: 'draft' | 'published';
  models: string[];
  tags: string[];
  category: string;
  sourceTicket?: number | null;
}

export const KB_LOCALES: ArticleLocale[] = ['en', 'zh-CN'];
/** The help centre's sections, as the server's KB_CATEGORIES. */
export const KB_CATEGORIES = ['troubleshooting', 'installation', 'maintenance', 'warranty', 'general'];

/** Where the knowledge-base pages are: `#/kb`, `#/kb/new[?ticket=N|?translationOf=ID]`, `#/kb/<id>`. */
export type KbRoute = { page: 'list' } | { page: 'edit'; id: string | null; ticket: number | null; translationOf: string | null };

export function parseKbHash(hash: string): KbRoute | null {
  const m = /^#\/kb(?:\/([^?]*))?(?:\?(.*))?$/.exec(hash);
  if (!m) return null;
  const [, what = '', query = ''] = m;
  if (!what) return { page: 'list' };
  const params = new URLSearchParams(query);
  if (what === 'new') {
    const ticket = Number(params.get('ticket'));
    const of = params.get('translationOf');
    return { page: 'edit', id: null, ticket: Number.isSafeInteger(ticket) && ticket > 0 ? ticket : null, translationOf: of && /^[0-9a-f]{24}$/.test(of) ? of : null };
  }
  return /^[0-9a-f]{24}$/.test(what) ? { page: 'edit', id: what, ticket: null, translationOf: null } : { page: 'list' };
}

/** "AC-3500, WM-800" ↔ ["AC-3500", "WM-800"] */
export const splitList = (s: string) => [...new Set(s.split(/[,，;；\n]/).map((x) => x.trim()).filter(Boolean))];
export const joinList = (l: readonly string[]) => l.join(', ');
