import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { LOCALES, useT, type Locale } from '../../i18n';
import { seesAllTeams, type Me } from '../../session';
import { teamName, useTeams } from '../../teams';
import { Field, FormActions, submitting } from './form';

interface Canned {
  id: string;
  title: string;
  body: string;
  locale: Locale;
  team: string | null;
}
type Draft = Omit<Canned, 'id'> & { id?: string };

/** Canned responses per team and language; `{{customer.name}}`, `{{ticket.number}}`, `{{agent.name}}` are filled in the composer. */
export function CannedSettings({ me }: { me: Me }) {
  const { t, locale } = useT();
  const teams = useTeams();
  const all = seesAllTeams(me);
  const myTeams = all ? teams.map((x) => x.key) : me.teams;
  const [list, setList] = useState<Canned[]>([]);
  const [filter, setFilter] = useState<{ team: string; locale: string }>({ team: '', locale: '' });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    const q = new URLSearchParams();
    if (filter.team) q.set('team', filter.team);
    if (filter.locale) q.set('locale', filter.locale);
    setList((await api<{ responses: Canned[] }>(`/api/canned-responses?${q}`)).responses);
  };
  useEffect(() => void load().catch((err) => setMessage(errorText(err, t))), [filter.team, filter.locale]);

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    const body = { title: draft.title, body: draft.body, locale: draft.locale, team: draft.team || null };
    const ok = await submitting(t, setErrors, setMessage, () => api(draft.id ? `/api/canned-responses/${draft.id}` : '/api/canned-responses', { method: draft.id ? 'PUT' : 'POST', body }));
    if (ok) {
      setMessage(t('settings.saved'));
      setDraft(null);
      await load();
    }
  }
  async function remove(c: Canned) {
    if (!confirm(t('settings.canned.confirmDelete', { title: c.title }))) return;
    await submitting(t, setErrors, setMessage, async () => {
      await api(`/api/canned-responses/${c.id}`, { method: 'DELETE' });
      await load();
    });
  }
  const mayWrite = (c: { team: string | null }) => (c.team ? myTeams.includes(c.team) : all);

  return (
    <section class="settings-section" data-section="canned">
      <div class="section-head">
        <h3>{t('settings.section.canned')}</h3>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => (setErrors({}), setDraft({ title: '', body: '', locale, team: all ? null : (myTeams[0] ?? null) }))}>{t('settings.canned.new')}</button>
      </div>
      <p class="muted small">{t('settings.canned.help')}</p>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <div class="row wrap filters-inline">
        <label>{t('ticket.team')}
          <select name="filterTeam" value={filter.team} onChange={(e) => setFilter({ ...filter, team: e.currentTarget.value })}>
            <option value="">{t('search.any')}</option>
            {myTeams.map((k) => <option value={k}>{teamName(teams, k, locale)}</option>)}
          </select>
        </label>
        <label>{t('language.label')}
          <select name="filterLocale" value={filter.locale} onChange={(e) => setFilter({ ...filter, locale: e.currentTarget.value })}>
            <option value="">{t('search.any')}</option>
            {LOCALES.map((l) => <option value={l.key} lang={l.key}>{l.label}</option>)}
          </select>
        </label>
      </div>
      <ul class="canned-list">
        {list.map((c) => (
          <li key={c.id} class="card" data-canned={c.title}>
            <div class="row wrap">
              <strong translate={false}>{c.title}</strong>
              <span class="badge" lang={c.locale}>{t(`locale.short.${c.locale}`)}</span>
              <span class="muted small">{c.team ? teamName(teams, c.team, locale) : t('settings.canned.allTeams')}</span>
              <span class="spacer" />
              {mayWrite(c) && (
                <>
                  <button type="button" onClick={() => (setErrors({}), setDraft({ ...c }))}>{t('settings.edit')}</button>
                  <button type="button" onClick={() => void remove(c)}>{t('settings.remove')}</button>
                </>
              )}
            </div>
            <p class="small pre" translate={false}>{c.body}</p>
          </li>
        ))}
      </ul>
      {draft && (
        <form class="card settings-form" onSubmit={save} aria-label={t('settings.canned.editor')}>
          <div class="form-grid">
            <Field label={t('settings.canned.title')} path="title" errors={errors}>
              <input name="title" required maxLength={120} value={draft.title} onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })} />
            </Field>
            <Field label={t('language.label')} path="locale" errors={errors}>
              <select name="locale" value={draft.locale} onChange={(e) => setDraft({ ...draft, locale: e.currentTarget.value as Locale })}>
                {LOCALES.map((l) => <option value={l.key} lang={l.key}>{l.label}</option>)}
              </select>
            </Field>
            <Field label={t('ticket.team')} path="team" errors={errors}>
              <select name="team" value={draft.team ?? ''} onChange={(e) => setDraft({ ...draft, team: e.currentTarget.value || null })}>
                {all && <option value="">{t('settings.canned.allTeams')}</option>}
                {myTeams.map((k) => <option value={k}>{teamName(teams, k, locale)}</option>)}
              </select>
            </Field>
          </div>
          <Field label={t('settings.canned.body')} path="body" errors={errors}>
            <textarea name="body" required rows={6} maxLength={10000} value={draft.body} onInput={(e) => setDraft({ ...draft, body: e.currentTarget.value })} />
          </Field>
          <p class="muted small placeholders">
            {t('settings.canned.placeholders')}{' '}
            {['customer.name', 'ticket.number', 'ticket.subject', 'agent.name'].map((k) => (
              <span key={k} class="placeholder"><code>{`{{${k}}}`}</code> {t(`settings.canned.ph.${k}`)}</span>
            ))}
          </p>
          <FormActions t={t} onCancel={() => setDraft(null)} />
        </form>
      )}
    </section>
  );
}
