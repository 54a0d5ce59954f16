import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { LOCALES, useT, type Locale } from '../../i18n';
import { isManager, type Me } from '../../session';
import { teamName, useTeams } from '../../teams';
import { Field, FormActions, submitting } from './form';

interface Agent {
  id: string;
  name: string;
  email: string;
  role: string;
  teams: string[];
  locale: Locale;
  phone: string | null;
  chatCapacity: number;
  active: boolean;
}
type Draft = Omit<Agent, 'id'> & { id?: string };

const ROLES = ['agent', 'supervisor', 'manager', 'director', 'admin'];

/**
 * Agents: invite (an invitation mail with a set-password link), role, teams, language, chat capacity,
 * deactivate, reset password. Managers and admins; a supervisor sets the chat capacity of the agents
 * of their teams.
 */
export function AgentsSettings({ me }: { me: Me }) {
  const { t, locale } = useT();
  const teams = useTeams();
  const manager = isManager(me);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => setAgents((await api<{ agents: Agent[] }>(`/api/agents${manager ? '?includeInactive=true' : ''}`)).agents);
  useEffect(() => void load().catch((err) => setMessage(errorText(err, t))), []);
  const roles = me.role === 'admin' ? ROLES : ROLES.filter((r) => r !== 'admin');
  // as the server decides: managers everyone but admins, a supervisor the agents of their teams
  const canEdit = (a: Agent) => (me.role === 'admin' ? true : manager ? a.role !== 'admin' : a.role === 'agent' && a.teams.some((k) => me.teams.includes(k)));

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    const body = manager
      ? { name: draft.name, role: draft.role, teams: draft.teams, locale: draft.locale, chatCapacity: draft.chatCapacity, phone: draft.phone || null, ...(draft.id ? {} : { email: draft.email }) }
      : { chatCapacity: draft.chatCapacity };
    const ok = await submitting(t, setErrors, setMessage, () => api(draft.id ? `/api/agents/${draft.id}` : '/api/agents', { method: draft.id ? 'PATCH' : 'POST', body }));
    if (ok) {
      setMessage(draft.id ? t('settings.saved') : t('settings.agents.invited', { email: draft.email }));
      setDraft(null);
      await load();
    }
  }
  async function act(a: Agent, what: 'deactivate' | 'activate' | 'reset') {
    await submitting(t, setErrors, setMessage, async () => {
      if (what === 'reset') await api(`/api/agents/${a.id}/password-reset`, { method: 'POST' });
      else await api(`/api/agents/${a.id}`, { method: 'PATCH', body: { active: what === 'activate' } });
      setMessage(t(`settings.agents.done.${what}`, { name: a.name }));
      await load();
    });
  }

  return (
    <section class="settings-section" data-section="agents">
      <div class="section-head">
        <h3>{t('settings.section.agents')}</h3>
        <span class="spacer" />
        {manager && (
          <button type="button" class="primary" onClick={() => (setErrors({}), setDraft({ name: '', email: '', role: 'agent', teams: [], locale, phone: null, chatCapacity: 3, active: true }))}>{t('settings.agents.invite')}</button>
        )}
      </div>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr><th>{t('settings.name')}</th><th>{t('settings.agents.role')}</th><th>{t('settings.agents.teams')}</th><th>{t('settings.agents.capacity')}</th><th><span class="visually-hidden">{t('settings.edit')}</span></th></tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id} data-agent={a.email} class={a.active ? '' : 'inactive'}>
                <td><span translate={false}>{a.name}</span><div class="muted small" translate={false}>{a.email}</div></td>
                <td>{t(`role.${a.role}`)} {!a.active && <span class="badge">{t('settings.inactive')}</span>}</td>
                <td class="small">{a.teams.map((k) => teamName(teams, k, locale)).join(t('event.listSeparator'))}</td>
                <td>{a.chatCapacity}</td>
                <td class="row-actions">
                  {canEdit(a) && <button type="button" onClick={() => (setErrors({}), setDraft({ ...a }))}>{t('settings.edit')}</button>}
                  {manager && a.id !== me.id && (a.role !== 'admin' || me.role === 'admin') && (
                    <>
                      <button type="button" data-action="reset" onClick={() => void act(a, 'reset')}>{t('settings.agents.reset')}</button>
                      <button type="button" data-action={a.active ? 'deactivate' : 'activate'} onClick={() => void act(a, a.active ? 'deactivate' : 'activate')}>{a.active ? t('settings.agents.deactivate') : t('settings.agents.activate')}</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {draft && (
        <form class="card settings-form" onSubmit={save} aria-label={draft.id ? t('settings.agents.edit') : t('settings.agents.invite')}>
          <h4>{draft.id ? t('settings.agents.edit') : t('settings.agents.invite')}</h4>
          {!draft.id && <p class="muted small">{t('settings.agents.inviteHelp')}</p>}
          <div class="form-grid">
            <Field label={t('settings.name')} path="name" errors={errors}>
              <input name="name" required disabled={!manager} value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            </Field>
            <Field label={t('login.email')} path="email" errors={errors}>
              <input name="email" type="email" required disabled={!!draft.id} value={draft.email} onInput={(e) => setDraft({ ...draft, email: e.currentTarget.value })} />
            </Field>
            <Field label={t('settings.agents.role')} path="role" errors={errors}>
              <select name="role" disabled={!manager} value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.currentTarget.value })}>
                {roles.map((r) => <option value={r}>{t(`role.${r}`)}</option>)}
              </select>
            </Field>
            <Field label={t('language.label')} path="locale" errors={errors}>
              <select name="locale" disabled={!manager} value={draft.locale} onChange={(e) => setDraft({ ...draft, locale: e.currentTarget.value as Locale })}>
                {LOCALES.map((l) => <option value={l.key} lang={l.key}>{l.label}</option>)}
              </select>
            </Field>
            <Field label={t('settings.agents.capacity')} path="chatCapacity" errors={errors}>
              <input name="chatCapacity" type="number" min="0" max="50" value={draft.chatCapacity} onInput={(e) => setDraft({ ...draft, chatCapacity: Number(e.currentTarget.value) })} />
            </Field>
            <Field label={t('callbacks.phone')} path="phone" errors={errors}>
              <input name="phone" type="tel" disabled={!manager} value={draft.phone ?? ''} onInput={(e) => setDraft({ ...draft, phone: e.currentTarget.value })} />
            </Field>
          </div>
          <fieldset disabled={!manager}>
            <legend>{t('settings.agents.teams')}</legend>
            {teams.map((x) => (
              <label key={x.key} class="check">
                <input type="checkbox" name="teams" value={x.key} checked={draft.teams.includes(x.key)} onChange={(e) => setDraft({ ...draft, teams: e.currentTarget.checked ? [...draft.teams, x.key] : draft.teams.filter((k) => k !== x.key) })} />
                {teamName(teams, x.key, locale)}
              </label>
            ))}
            {errors.teams && <span class="field-error">{errors.teams}</span>}
            {Object.entries(errors).filter(([k]) => k.startsWith('teams.')).map(([, v]) => <span class="field-error">{v}</span>)}
          </fieldset>
          <FormActions t={t} onCancel={() => setDraft(null)} save={draft.id ? t('settings.save') : t('settings.agents.sendInvite')} />
        </form>
      )}
    </section>
  );
}
