import { useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { Time } from '../common';
import { errorText } from '../units/units-common';
import type { Article, ArticleVersion } from './kb-types';

/** An article's versions with author and time; one opens read-only, and may be copied into the editor. */
export function KbVersions(p: { article: Article; onCopy: (v: ArticleVersion) => void }) {
  const { t } = useT();
  const [open, setOpen] = useState<ArticleVersion | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function show(n: number) {
    setError(null);
    try {
      setOpen(await api<ArticleVersion>(`/api/kb/articles/${p.article.id}/versions/${n}`));
    } catch (err) {
      setError(errorText(t, err));
    }
  }

  return (
    <div class="kb-versions" data-testid="kb-versions">
      <h3>{t('kb.versions')}</h3>
      <ol reversed>
        {[...p.article.versions].reverse().map((v) => (
          <li class={open?.version === v.version ? 'selected' : ''}>
            <button type="button" class="link" data-version={v.version} onClick={() => void show(v.version)}>
              {t('kb.versionN', { n: v.version })}
            </button>{' '}
            <span class="muted small">{v.author.name} · <Time at={v.at} /> · {t(`kb.status.${v.status}`)}</span>
          </li>
        ))}
      </ol>
      {error && <p class="error small">{error}</p>}
      {open && (
        <div class="kb-version card" data-testid="kb-version" data-version={open.version}>
          <div class="row">
            <strong>{t('kb.versionOf', { n: open.version, name: open.author?.name ?? '' })}</strong>
            <span class="spacer" />
            <button type="button" onClick={() => p.onCopy(open)}>{t('kb.copyVersion')}</button>
            <button type="button" onClick={() => setOpen(null)}>{t('kb.close')}</button>
          </div>
          <h3>{open.title}</h3>
          <div class="kb-html" dangerouslySetInnerHTML={{ __html: open.html }} />
        </div>
      )}
    </div>
  );
}
