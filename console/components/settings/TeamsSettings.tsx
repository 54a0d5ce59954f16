import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { loadTeams, useTeams, type TeamInfo } from '../../teams';
import { Field, FormActions, submitting } from './form';

type Draft = Omit<TeamInfo, 'addresses'> & { addresses: string; isNew: boolean };

const toDraft = (t: TeamInfo | null): Draft => ({
  key: t?.key ?? '',
  name: t?.name ?? '',
  nameZh: t?.nameZh ?? '',
  addresses: (t?.addresses ?? []).join('\n'),
  assignment: t?.assignment ?? 'least_loaded',
  calendar: t?.calendar ?? null,
  active: t?.active ?? true,
  isNew: !t,
});

/** Teams, their names in both languages, the support addresses that route mail to them, their hours and how chats are given out. */
export function TeamsSettings() {
  const { t, locale } = useT();
  const teams = useTeams();
  const [calendars, setCalendars] = useState<string[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    api<{ calendars: { name: string }[] }>('/api/calendars').then((r) => setCalendars(r.calendars.map((c) => c.name))).catch(() => undefined);
  }, []);

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    const addresses = draft.addresses.split(/[\s,;]+/).map((a) => a.trim()).filter(Boolean);
    const body = { name: draft.name, nameZh: draft.nameZh, addresses, assignment: draft.assignment, calendar: draft.calendar || null, ...(draft.isNew ? {} : { active: draft.active }) };
    const ok = await submitting(t, setErrors, setMessage, () => api(draft.isNew ? '/api/teams' : `/api/teams/${draft.key}`, { method: draft.isNew ? 'POST' : 'PATCH', body: draft.isNew ? { key: draft.key, ...body } : body }));
    if (ok) {
      setMessage(t('settings.saved'));
      setDraft(null);
      await loadTeams(true);
    }
  }

  return (
    <section class="settings-section" data-section="teams">
      <div class="section-head">
        <h3>{t('settings.section.teams')}</h3>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => (setErrors({}), setDraft(toDraft(null)))}>{t('settings.teams.new')}</button>
      </div>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr><th>{t('settings.name')}</th><th>{t('settings.teams.addresses')}</th><th>{t('settings.teams.calendar')}</th><th><span class="visually-hidden">{t('settings.edit')}</span></th></tr>
          </thead>
          <tbody>
            {teams.map((x) => (
              <tr key={x.key} data-team={x.key} class={x.active ? '' : 'inactive'}>
                <td>{locale === 'zh-CN' && x.nameZh ? x.nameZh : x.name} {!x.active && <span class="badge">{t('settings.inactive')}</span>}</td>
                <td class="small" translate={false}>{x.addresses.join(', ') || '—'}</td>
                <td class="small" translate={false}>{x.calendar ?? t('settings.sla.allDay')}</td>
                <td><button type="button" onClick={() => (setErrors({}), setDraft(toDraft(x)))}>{t('settings.edit')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {draft && (
        <form class="card settings-form" onSubmit={save} aria-label={draft.isNew ? t('settings.teams.new') : t('settings.teams.edit')}>
          <div class="form-grid">
            <Field label={t('settings.teams.key')} path="key" errors={errors} hint={t('settings.teams.keyHint')}>
              <input name="key" required disabled={!draft.isNew} value={draft.key} onInput={(e) => setDraft({ ...draft, key: e.currentTarget.value })} />
            </Field>
            <Field label={t('settings.teams.nameEn')} path="name" errors={errors}>
              <input name="name" required lang="en" value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            </Field>
            <Field label={t('settings.teams.nameZh')} path="nameZh" errors={errors}>
              <input name="nameZh" lang="zh-CN" value={draft.nameZh} onInput={(e) => setDraft({ ...draft, nameZh: e.currentTarget.value })} />
            </Field>
            <Field label={t('settings.teams.calendar')} path="calendar" errors={errors}>
              <select name="calendar" value={draft.calendar ?? ''} onChange={(e) => setDraft({ ...draft, calendar: e.currentTarget.value || null })}>
                <option value="">{t('settings.sla.allDay')}</option>
                {calendars.map((c) => <option value={c} translate={false}>{c}</option>)}
              </select>
            </Field>
            <Field label={t('settings.teams.assignment')} path="assignment" errors={errors}>
              <select name="assignment" value={draft.assignment} onChange={(e) => setDraft({ ...draft, assignment: e.currentTarget.value })}>
                {['least_loaded', 'round_robin'].map((a) => <option value={a}>{t(`settings.teams.assign.${a}`)}</option>)}
              </select>
            </Field>
          </div>
          <Field label={t('settings.teams.addresses')} path="addresses" errors={errors} hint={t('settings.teams.addressesHint')}>
            <textarea name="addresses" rows={3} value={draft.addresses} onInput={(e) => setDraft({ ...draft, addresses: e.currentTarget.value })} />
          </Field>
          {!draft.isNew && (
            <label class="check">
              <input type="checkbox" name="active" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.currentTarget.checked })} /> {t('settings.active')}
            </label>
          )}
          <FormActions t={t} onCancel={() => setDraft(null)} />
        </form>
      )}
    </section>
  );
}
