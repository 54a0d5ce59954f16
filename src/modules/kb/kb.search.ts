import type { Analyzer } from '../search/analyzer';
import { snippet } from '../search/snippet';
import type { Locale } from '../../core/types';
import type { KbAudience, KbIndex } from './kb.index';
import type { KbArticleDoc } from './kb.model';
import { plainText } from './kb.render';
import { isPublic, type KbService } from './kb.service';

export interface KbHit {
  id: string;
  slug: string;
  title: string;
  snippet: string;
  snippetText: string;
  score: number;
  locale: Locale;
  url: string;
  visibility: 'public' | 'internal';
}

/** Search results as the API shows them: the index's ranking, the articles read by _id, a snippet each. */
export class KbSearch {
  constructor(
    private readonly index: KbIndex,
    private readonly kb: KbService,
    private readonly analyzer: Analyzer,
    private readonly publicUrl: string,
  ) {}

  async search(q: string, opts: { audience: KbAudience; locales: readonly Locale[]; limit: number }): Promise<{ items: KbHit[]; total: number }> {
    const { groups, total, hits } = await this.index.search(q, { audience: opts.audience, locales: opts.locales, limit: opts.limit });
    const docs = await this.kb.byIds(hits.map((h) => h.id));
    const items: KbHit[] = [];
    for (const h of hits) {
      const a = docs.get(h.id);
      // the index may lag MongoDB by a moment; MongoDB decides what may be shown
      if (!a || a.status !== 'published' || (opts.audience === 'public' && !isPublic(a))) continue;
      const s = snippet(this.analyzer, plainText(a.body), groups);
      items.push({ id: h.id, slug: a.slug, title: a.title, snippet: s.html, snippetText: s.text, score: Math.round(h.score * 1000) / 1000, locale: a.locale as Locale, url: this.urlOf(a), visibility: a.visibility as 'public' | 'internal' });
    }
    return { items, total };
  }

  urlOf(a: Pick<KbArticleDoc, 'slug'>): string {
    return `${this.publicUrl}/help/${encodeURIComponent(a.slug)}`;
  }
}
