import { useT } from '../../i18n';
import { KB_LOCALES, type ArticleLocale } from './kb-types';

/** An article's language, as the list filters it and the editor sets it. */
export function LanguageSelect(p: { value: ArticleLocale; disabled?: boolean; onChange: (l: ArticleLocale) => void }) {
  const { t } = useT();
  return (
    <label>{t('kb.language')}
      <select name="locale" value={p.value} disabled={p.disabled} onChange={(e) => p.onChange(e.currentTarget.value as ArticleLocale)}>
        {KB_LOCALES.map((l) => <option value={l}>{t(`kb.locale.${l}`)}</option>)}
      </select>
    </label>
  );
}

/** Public (the help centre) or internal (agents only); the list also offers both. */
export function AudienceSelect<V extends '' | 'public' | 'internal'>(p: { value: V; withAll?: boolean; onChange: (v: V) => void }) {
  const { t } = useT();
  return (
    <label>{t('kb.audience')}
      <select name="visibility" value={p.value} onChange={(e) => p.onChange(e.currentTarget.value as V)}>
        {p.withAll && <option value="">{t('kb.audience.all')}</option>}
        <option value="public">{t('kb.audience.public')}</option>
        <option value="internal">{t('kb.audience.internal')}</option>
      </select>
    </label>
  );
}
