import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { errorText, fieldErrors } from '../errors';
import { Locale, useT } from '../i18n';
import { LanguageSwitch } from './Login';

/** The page of an invitation or reset link (`#/password/<token>`): choose a password, then sign in. */
export function PasswordPage({ token, locale, onLocale }: { token: string; locale: Locale; onLocale: (l: Locale) => void }) {
  const { t } = useT();
  const [who, setWho] = useState<{ name: string; email: string; purpose: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  useEffect(() => {
    api<{ name: string; email: string; purpose: string }>(`/api/auth/password?token=${encodeURIComponent(token)}`)
      .then(setWho)
      .catch((err) => setError(errorText(err, t)));
  }, [token]);

  async function submit(e: Event) {
    e.preventDefault();
    setFields({});
    if (password !== repeat) return setFields({ repeat: t('password.mismatch') });
    try {
      await api('/api/auth/password', { method: 'POST', body: { token, password } });
      setDone(true);
    } catch (err) {
      setFields(fieldErrors(err, t));
      setError(Object.keys(fieldErrors(err, t)).length ? null : errorText(err, t));
    }
  }

  return (
    <main class="login-page" id="main">
      <form class="login card" onSubmit={submit}>
        <LanguageSwitch locale={locale} onLocale={onLocale} />
        <h1>{t('app.title')}</h1>
        <h2>{who?.purpose === 'reset' ? t('password.resetTitle') : t('password.inviteTitle')}</h2>
        {error && <p class="error" role="alert">{error}</p>}
        {done ? (
          <p role="status" data-testid="password-done">
            {t('password.done')} <a href="#/">{t('login.submit')}</a>
          </p>
        ) : (
          who && (
            <>
              <p class="muted">{t('password.for', { name: who.name, email: who.email })}</p>
              <label>
                {t('password.new')}
                <input name="password" type="password" autocomplete="new-password" required minLength={8} value={password} aria-invalid={!!fields.password} aria-describedby={fields.password ? 'pw-error' : undefined} onInput={(e) => setPassword(e.currentTarget.value)} />
                {fields.password && <span class="field-error" id="pw-error">{fields.password}</span>}
              </label>
              <label>
                {t('password.repeat')}
                <input name="repeat" type="password" autocomplete="new-password" required value={repeat} aria-invalid={!!fields.repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
                {fields.repeat && <span class="field-error">{fields.repeat}</span>}
              </label>
              <button type="submit" class="primary">{t('password.save')}</button>
            </>
          )
        )}
      </form>
    </main>
  );
}
