import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { Time } from '../common';
import { errorText } from '../units/units-common';
import { AudienceSelect, LanguageSelect } from './KbSelects';
import type { ArticleLocale, ArticleRow } from './kb-types';

interface Filters {
  q: string;
  status: 'published' | 'draft';
  locale: ArticleLocale;
  visibility: '' | 'public' | 'internal';
  model: string;
}

/** The knowledge base's articles for agents: search and filter by status, language, audience and model. */
export function KbList() {
  const { t, locale } = useT();
  const [filters, setFilters] = useState<Filters>({ q: '', status: 'published', locale, visibility: '', model: '' });
  const [typed, setTyped] = useState({ q: '', model: '' });
  const [rows, setRows] = useState<ArticleRow[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let gone = false;
    const params = new URLSearchParams({ status: filters.status, locale: filters.locale, limit: '50' });
    if (filters.q) params.set('q', filters.q);
    if (filters.visibility) params.set('visibility', filters.visibility);
    if (filters.model) params.set('model', filters.model);
    setError(null);
    api<{ items: ArticleRow[]; total: number }>(`/api/kb/articles?${params}`)
      .then((r) => !gone && (setRows(r.items), setTotal(r.total)))
      .catch((err) => !gone && (setRows([]), setError(errorText(t, err))));
    return () => {
      gone = true;
    };
  }, [filters]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const submit = (e: Event) => {
    e.preventDefault();
    set({ q: typed.q.trim(), model: typed.model.trim() });
  };

  return (
    <section class="kb-page" data-testid="kb-list">
      <div class="kb-head">
        <h2>{t('kb.title')}</h2>
        <a class="button primary" href="#/kb/new" data-action="new-article">{t('kb.new')}</a>
      </div>
      <form class="kb-filters" onSubmit={submit} role="search">
        <input type="search" name="q" aria-label={t('kb.search')} placeholder={t('kb.placeholder')} value={typed.q} onInput={(e) => setTyped({ ...typed, q: e.currentTarget.value })} />
        <input name="model" aria-label={t('kb.model')} placeholder={t('kb.modelPlaceholder')} value={typed.model} onInput={(e) => setTyped({ ...typed, model: e.currentTarget.value })} />
        <button type="submit">{t('kb.search')}</button>
        <label>{t('kb.status')}
          <select name="status" value={filters.status} onChange={(e) => set({ status: e.currentTarget.value as Filters['status'] })}>
            <option value="published">{t('kb.status.published')}</option>
            <option value="draft">{t('kb.status.draft')}</option>
          </select>
        </label>
        <LanguageSelect value={filters.locale} onChange={(l) => set({ locale: l })} />
        <AudienceSelect value={filters.visibility} withAll onChange={(v) => set({ visibility: v })} />
      </form>
      {error && <p class="error">{error}</p>}
      {rows && <p class="muted small" data-testid="kb-total">{t('kb.count', { count: total })}</p>}
      {rows && !rows.length && !error && <p class="muted">{t('kb.none')}</p>}
      <ul class="kb-rows">
        {(rows ?? []).map((a) => (
          <li class="kb-row" data-article={a.id}>
            <a href={`#/kb/${a.id}`} class="kb-title">{a.title}</a>
            <span class="kb-meta">
              <span class={`badge kb-${a.status}`}>{t(`kb.status.${a.status}`)}</span>
              <span class="badge">{t(`kb.audience.${a.visibility}`)}</span>
              <span class="badge">{t(`kb.category.${a.category}`)}</span>
              {a.models.map((m) => <span class="chip">{m}</span>)}
              <span class="muted small">v{a.version} · <Time at={a.updatedAt} /></span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
