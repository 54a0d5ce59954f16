import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import type { Me } from '../../session';
import { canPublish } from '../../../src/modules/kb/kb.publishers';
import { errorText } from '../units/units-common';
import { KbPreview } from './KbPreview';
import { AudienceSelect, LanguageSelect } from './KbSelects';
import { KbVersions } from './KbVersions';
import { joinList, KB_CATEGORIES, KB_LOCALES, splitList, type Article, type ArticleDraft, type ArticleLocale } from './kb-types';

/** The form's fields as typed: lists as comma-separated text. */
type Form = Omit<ArticleDraft, 'models' | 'tags'> & { models: string; tags: string };

const toForm = (a: ArticleDraft): Form => ({ ...a, models: joinList(a.models), tags: joinList(a.tags) });
const EMPTY: Form = { locale: 'en', title: '', body: '', visibility: 'public', status: 'draft', models: '', tags: '', category: 'general' };

/**
 * Writes or changes an article: title, Markdown body with a preview, tags, models, category,
 * audience, language and its translation. Every save is a new version from the one the editor
 * started from (`expectedVersion`): when someone saved meanwhile the server answers 409 and the
 * editor shows their version beside the agent's text, overwriting nothing.
 */
export function KbEditor(p: { me: Me; id: string | null; ticket: number | null; translationOf: string | null }) {
  const { t, locale } = useT();
  const publisher = canPublish(p.me);
  const [article, setArticle] = useState<Article | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [translationOf, setTranslationOf] = useState<Article | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Article | null>(null);
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // the article just created, now at its own address: nothing to load again
    if (p.id && article?.id === p.id) return;
    let gone = false;
    setArticle(null), setForm(null), setError(null), setSaved(null), setConflict(null), setTranslationOf(null), setTab('write');
    const load = async () => {
      if (p.id) {
        const a = await api<Article>(`/api/kb/articles/${p.id}`);
        if (!gone) setArticle(a), setForm(toForm(a));
      } else if (p.ticket) {
        const proposal = await api<ArticleDraft>(`/api/kb/proposals/tickets/${p.ticket}`);
        if (!gone) setForm(toForm(proposal));
      } else if (p.translationOf) {
        const original = await api<Article>(`/api/kb/articles/${p.translationOf}`);
        const other = KB_LOCALES.find((l) => l !== original.locale)!;
        // the original's text to translate from, in the other language's article
        if (!gone) setTranslationOf(original), setForm(toForm({ ...original, locale: other, status: 'draft', sourceTicket: null }));
      } else setForm({ ...EMPTY, locale: locale as ArticleLocale });
    };
    load().catch((err) => !gone && setError(errorText(t, err)));
    return () => {
      gone = true;
    };
  }, [p.id, p.ticket, p.translationOf]);

  if (!form) return <section class="kb-page muted">{error ?? t('ticket.loading')}</section>;
  const set = (patch: Partial<Form>) => (setForm({ ...form, ...patch }), setSaved(null));

  async function save(status: 'draft' | 'published') {
    if (!form) return;
    setBusy(true), setError(null), setSaved(null);
    const fields = { title: form.title, body: form.body, visibility: form.visibility, status, models: splitList(form.models), tags: splitList(form.tags), category: form.category };
    try {
      let a: Article;
      if (article) {
        a = await api<Article>(`/api/kb/articles/${article.id}`, { method: 'PUT', body: { ...fields, expectedVersion: article.version } });
      } else {
        const created = { ...fields, locale: form.locale, ...(translationOf ? { translationOf: translationOf.id } : {}), ...(form.sourceTicket ? { sourceTicket: form.sourceTicket } : {}) };
        a = await api<Article>('/api/kb/articles', { method: 'POST', body: created });
      }
      setArticle(a), setForm(toForm(a)), setConflict(null), setTranslationOf(null);
      setSaved(t(a.status === 'published' ? 'kb.savedPublished' : 'kb.savedDraft', { n: a.version }));
      if (!p.id) location.hash = `#/kb/${a.id}`;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'version_conflict' && article) {
        // theirs beside ours: the agent decides, nothing is overwritten
        setConflict(await api<Article>(`/api/kb/articles/${article.id}`).catch(() => null));
      }
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  /** Continue from their version: the next save is a new version after it, with the agent's text. */
  const keepMine = () => conflict && (setArticle(conflict), setConflict(null), setError(null));
  const takeTheirs = () => conflict && (setArticle(conflict), setForm(toForm(conflict)), setConflict(null), setError(null));
  const published = article?.status === 'published';
  const otherLocale = KB_LOCALES.find((l) => l !== form.locale)!;

  return (
    <section class="kb-page kb-editor" data-testid="kb-editor">
      <div class="kb-head">
        <a href="#/kb">{t('kb.back')}</a>
        <h2>{article ? t('kb.editing', { n: article.number }) : t('kb.new')}</h2>
        {article && <span class={`badge kb-${article.status}`} data-status={article.status}>{t(`kb.status.${article.status}`)}</span>}
        {article?.url && <a href={article.url} target="_blank" rel="noopener">{t('kb.openPublic')}</a>}
      </div>
      {form.sourceTicket && !article && <p class="warning" data-testid="kb-from-ticket">{t('kb.fromTicketNote', { n: form.sourceTicket })}</p>}
      {translationOf && <p class="muted">{t('kb.translating', { title: translationOf.title })}</p>}
      <form class="kb-form" onSubmit={(e) => (e.preventDefault(), void save(published && publisher ? 'published' : 'draft'))}>
        <label>{t('kb.titleField')}
          <input name="title" required maxLength={200} value={form.title} onInput={(e) => set({ title: e.currentTarget.value })} />
        </label>
        <div class="kb-tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'write'} class={tab === 'write' ? 'active' : ''} onClick={() => setTab('write')}>{t('kb.write')}</button>
          <button type="button" role="tab" aria-selected={tab === 'preview'} class={tab === 'preview' ? 'active' : ''} onClick={() => setTab('preview')}>{t('kb.preview')}</button>
        </div>
        {tab === 'write' ? (
          <label class="kb-body">{t('kb.body')}
            <textarea name="body" required rows={14} value={form.body} onInput={(e) => set({ body: e.currentTarget.value })} />
          </label>
        ) : (
          <KbPreview markdown={form.body} />
        )}
        <div class="kb-fields">
          <LanguageSelect value={form.locale} disabled={!!article || !!translationOf} onChange={(l) => set({ locale: l })} />
          <AudienceSelect value={form.visibility} onChange={(v) => set({ visibility: v })} />
          <label>{t('kb.category')}
            <select name="category" value={form.category} onChange={(e) => set({ category: e.currentTarget.value })}>
              {KB_CATEGORIES.map((c) => <option value={c}>{t(`kb.category.${c}`)}</option>)}
            </select>
          </label>
          <label>{t('kb.models')}
            <input name="models" placeholder="AC-3500, WM-800" value={form.models} onInput={(e) => set({ models: e.currentTarget.value })} />
          </label>
          <label>{t('kb.tags')}
            <input name="tags" value={form.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
          </label>
        </div>
        {conflict && (
          <div class="kb-conflict warning" role="alert" data-testid="kb-conflict">
            <strong>{t('kb.conflict', { n: conflict.version, name: conflict.updatedBy.name })}</strong>
            <h3>{conflict.title}</h3>
            <div class="kb-html" dangerouslySetInnerHTML={{ __html: conflict.html }} />
            <div class="row">
              <button type="button" onClick={takeTheirs}>{t('kb.takeTheirs')}</button>
              <button type="button" onClick={keepMine}>{t('kb.keepMine')}</button>
            </div>
          </div>
        )}
        {error && <p class="error" role="alert" data-testid="kb-error">{error}</p>}
        {saved && <p class="ok" role="status" data-testid="kb-saved">{saved}</p>}
        <div class="row kb-actions">
          {(!published || !publisher) && <button type="submit" name="draft" class={publisher ? '' : 'primary'} disabled={busy || !!conflict}>{t(published ? 'kb.save' : 'kb.saveDraft')}</button>}
          {publisher && <button type="button" name="publish" class="primary" disabled={busy || !!conflict} onClick={() => void save('published')}>{t(published ? 'kb.savePublished' : 'kb.publish')}</button>}
          {publisher && published && <button type="button" name="unpublish" disabled={busy || !!conflict} onClick={() => void save('draft')}>{t('kb.unpublish')}</button>}
        </div>
        {!publisher && <p class="muted small">{t('kb.draftsOnly')}</p>}
      </form>
      {article && (
        <aside class="kb-side">
          <h3>{t('kb.translations')}</h3>
          {article.translations.length ? (
            <ul class="plain">
              {article.translations.map((tr) => <li><a href={`#/kb/${tr.id}`}>{t(`kb.locale.${tr.locale}`)}: {tr.title}</a> <span class="badge">{t(`kb.status.${tr.status}`)}</span></li>)}
            </ul>
          ) : (
            <a href={`#/kb/new?translationOf=${article.id}`} data-action="translate">{t('kb.writeTranslation', { language: t(`kb.locale.${otherLocale}`) })}</a>
          )}
          <KbVersions article={article} onCopy={(v) => (set({ title: v.title, body: v.body }), setTab('write'))} />
        </aside>
      )}
    </section>
  );
}
