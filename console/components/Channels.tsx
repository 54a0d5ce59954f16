import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import { hasRole, ROLE_SETS } from '../../src/core/types';
import type { Me } from '../session';

interface Account {
  key: string;
  name: string;
  appId: string;
  mode: 'plain' | 'compat' | 'safe';
  team: string;
  active: boolean;
  hasSecret: boolean;
  hasAesKey: boolean;
  webhookPath: string;
}
interface Mailbox {
  id: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  folder: string;
  state: string;
  lastError: { message: string; at: string } | null;
  lastSyncAt: string | null;
  checkpoint: { uidValidity: string | null; lastUid: number };
}

/** Admin settings of the channels beyond part 1: WeChat Official Accounts and the teams' IMAP mailboxes (with their last error). */
export function Channels({ me }: { me: Me }) {
  const { t, locale } = useT();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [teams, setTeams] = useState<{ key: string; name: string; mailboxes: Mailbox[] }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const admin = hasRole(me.role, ROLE_SETS.admins);
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale) : '—');

  async function load() {
    try {
      setAccounts((await api<{ accounts: Account[] }>('/api/wechat/accounts')).accounts);
      const list = (await api<{ teams: { key: string; name: string }[] }>('/api/teams')).teams;
      setTeams(await Promise.all(list.map(async (x) => ({ ...x, mailboxes: (await api<{ mailboxes: Mailbox[] }>(`/api/teams/${x.key}/mailboxes`)).mailboxes }))));
    } catch (err) {
      setError((err as Error).message);
    }
  }
  useEffect(() => void load(), []);

  async function submit(e: Event, fn: (f: FormData) => Promise<unknown>) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError(null);
    try {
      await fn(new FormData(form));
      form.reset();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message}${err.details ? ` (${JSON.stringify(err.details)})` : ''}` : String(err));
    }
  }
  const str = (f: FormData, k: string) => String(f.get(k) ?? '').trim() || undefined;

  return (
    <div class="channels-settings">
      <h2>{t('channels.title')}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <section>
        <h3>{t('channels.wechat.title')}</h3>
        <table class="table">
          <thead><tr><th>{t('channels.wechat.key')}</th><th>AppID</th><th>{t('channels.wechat.mode')}</th><th>{t('channels.team')}</th><th>{t('channels.wechat.secrets')}</th><th>{t('channels.wechat.url')}</th></tr></thead>
          <tbody>
            {accounts.map((a) => (
              <tr data-account={a.key}>
                <td>{a.name || a.key}</td><td>{a.appId}</td><td>{t(`channels.wechat.mode.${a.mode}`)}</td><td>{a.team}</td>
                <td>{a.hasSecret ? '✓ AppSecret' : '✗ AppSecret'} · {a.hasAesKey ? '✓ AESKey' : '—'}</td><td><code>{a.webhookPath}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
        {admin && (
          <form class="inline-form" onSubmit={(e) => void submit(e, (f) => api(`/api/wechat/accounts/${str(f, 'key')}`, { method: 'PUT', body: { appId: str(f, 'appId'), token: str(f, 'token'), secret: str(f, 'secret'), aesKey: str(f, 'aesKey'), mode: str(f, 'mode'), team: str(f, 'team') } }))}>
            <input name="key" required pattern="[a-z0-9_-]{1,32}" placeholder={t('channels.wechat.key')} />
            <input name="appId" required placeholder="AppID" />
            <input name="token" required placeholder="Token" />
            <input name="secret" type="password" placeholder={t('channels.secretKept')} autocomplete="off" />
            <input name="aesKey" type="password" placeholder="EncodingAESKey" autocomplete="off" />
            <select name="mode">{['plain', 'compat', 'safe'].map((m) => <option value={m}>{t(`channels.wechat.mode.${m}`)}</option>)}</select>
            <input name="team" placeholder={t('channels.team')} value="support" />
            <button type="submit" class="primary">{t('channels.save')}</button>
          </form>
        )}
      </section>
      <section>
        <h3>{t('channels.imap.title')}</h3>
        {teams.map((team) => (
          <div class="team-mailboxes" data-team={team.key}>
            <h4>{team.name}</h4>
            {team.mailboxes.length ? (
              <table class="table">
                <thead><tr><th>{t('channels.imap.mailbox')}</th><th>{t('channels.imap.state')}</th><th>{t('channels.imap.lastError')}</th><th>{t('channels.imap.lastSync')}</th><th>UID</th></tr></thead>
                <tbody>
                  {team.mailboxes.map((m) => (
                    <tr data-mailbox={m.id} class={m.state === 'error' ? 'late' : ''}>
                      <td>{m.user} @ {m.host}:{m.port}{m.secure ? ' (TLS)' : ''} / {m.folder}</td>
                      <td data-state={m.state}>{t(`channels.imap.state.${m.state}`)}</td>
                      <td class="error-text">{m.lastError ? `${m.lastError.message} (${when(m.lastError.at)})` : '—'}</td>
                      <td>{when(m.lastSyncAt)}</td>
                      <td>{m.checkpoint.lastUid}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">{t('channels.imap.none')}</p>
            )}
            <form
              class="inline-form"
              onSubmit={(e) =>
                void submit(e, (f) =>
                  api(`/api/teams/${team.key}`, {
                    method: 'PUT',
                    body: {
                      mailboxes: [
                        ...team.mailboxes.map((m) => ({ host: m.host, port: m.port, secure: m.secure, user: m.user, folder: m.folder })),
                        { host: str(f, 'host'), port: Number(str(f, 'port') ?? 993), secure: f.get('secure') === 'on', user: str(f, 'user'), password: str(f, 'password'), folder: str(f, 'folder') ?? 'INBOX' },
                      ],
                    },
                  }),
                )
              }
            >
              <input name="host" required placeholder={t('channels.imap.host')} />
              <input name="port" type="number" min="1" max="65535" placeholder="993" />
              <label><input name="secure" type="checkbox" checked /> TLS</label>
              <input name="user" required placeholder={t('channels.imap.user')} />
              <input name="password" type="password" required placeholder={t('channels.imap.password')} autocomplete="off" />
              <input name="folder" placeholder="INBOX" />
              <button type="submit" class="primary">{t('channels.imap.add')}</button>
            </form>
          </div>
        ))}
      </section>
    </div>
  );
}
