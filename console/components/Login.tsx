import { useState } from 'preact/hooks';
import { api } from '../api';
import { LOCALES, useT } from '../i18n';
import type { Me } from '../session';

export function Login({ onLogin }: { onLogin: (token: string, agent: Me) => void }) {
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
      setError(t('login.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="login card" onSubmit={submit}>
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
      <p class="muted small">{LOCALES.map((l) => l.label).join(' · ')}</p>
    </form>
  );
}
