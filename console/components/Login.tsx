import { useState } from 'preact/hooks';
import { api } from '../api';
import { errorText } from '../errors';
import { LOCALES, Locale, useT } from '../i18n';
import type { Me } from '../session';

/** The language switch of the pages before sign-in: two buttons, the current one pressed. */
export function LanguageSwitch({ locale, onLocale }: { locale: Locale; onLocale: (l: Locale) => void }) {
  const { t } = useT();
  return (
    <div class="lang-switch" role="group" aria-label={t('language.label')}>
      {LOCALES.map((l) => (
        <button type="button" key={l.key} lang={l.key} data-locale={l.key} class={locale === l.key ? 'active' : ''} aria-pressed={locale === l.key} onClick={() => onLocale(l.key)}>
          {l.label}
        </button>
      ))}
    </div>
  );
}

export function Login({ onLogin, locale, onLocale }: { onLogin: (token: string, agent: Me) => void; locale: Locale; onLocale: (l: Locale) => void }) {
  const { t } = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; agent: Me }>('/api/auth/login', { method: 'POST', body: { email, password } });
      onLogin(res.token, res.agent);
    } catch (err) {
      setError(t('login.failed', { message: errorText(err, t) }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main class="login-page" id="main">
      <form class="login card" onSubmit={submit}>
        <LanguageSwitch locale={locale} onLocale={onLocale} />
        <h1>{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        <label>
          {t('login.email')}
          <input name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
      </form>
    </main>
  );
}
