import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useT } from '../../i18n';
import { teamName, useTeams } from '../../teams';
import { Field, submitting } from './form';

interface Voice {
  menu: Record<string, string>;
  defaultTeam: string;
  ringTimeoutSec: number;
  voicemailMaxSec: number;
}
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** The hotline's IVR: which digit reaches which team, who answers a caller who presses nothing, how long it rings. */
export function HotlineSettings() {
  const { t, locale } = useT();
  const teams = useTeams();
  const [v, setV] = useState<Voice | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    api<Voice>('/api/settings/voice').then(setV).catch((err) => setMessage(errorText(err, t)));
  }, []);
  if (!v) return <section class="settings-section muted">{message ?? t('ticket.loading')}</section>;

  async function save(e: Event) {
    e.preventDefault();
    if (!v) return;
    const menu = Object.fromEntries(Object.entries(v.menu).filter(([, team]) => team));
    const ok = await submitting(t, setErrors, setMessage, async () => setV(await api<Voice>('/api/settings/voice', { method: 'PUT', body: { menu, defaultTeam: v.defaultTeam, ringTimeoutSec: v.ringTimeoutSec, voicemailMaxSec: v.voicemailMaxSec } })));
    if (ok) setMessage(t('settings.saved'));
  }
  const teamOptions = teams.filter((x) => x.active).map((x) => <option value={x.key}>{teamName(teams, x.key, locale)}</option>);

  return (
    <section class="settings-section" data-section="hotline">
      <h3>{t('settings.section.hotline')}</h3>
      <p class="muted small">{t('settings.hotline.help')}</p>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <form class="card settings-form" onSubmit={save} aria-label={t('settings.section.hotline')}>
        <fieldset>
          <legend>{t('settings.hotline.menu')}</legend>
          <div class="form-grid digits">
            {DIGITS.map((d) => (
              <Field key={d} label={t('settings.hotline.digit', { digit: d })} path={`menu.${d}`} errors={errors}>
                <select name={`menu.${d}`} value={v.menu[d] ?? ''} onChange={(e) => setV({ ...v, menu: { ...v.menu, [d]: e.currentTarget.value } })}>
                  <option value="">{t('settings.hotline.unused')}</option>
                  {teamOptions}
                </select>
              </Field>
            ))}
          </div>
        </fieldset>
        <div class="form-grid">
          <Field label={t('settings.hotline.defaultTeam')} path="defaultTeam" errors={errors}>
            <select name="defaultTeam" value={v.defaultTeam} onChange={(e) => setV({ ...v, defaultTeam: e.currentTarget.value })}>{teamOptions}</select>
          </Field>
          <Field label={t('settings.hotline.ring')} path="ringTimeoutSec" errors={errors}>
            <input name="ringTimeoutSec" type="number" min="5" max="120" value={v.ringTimeoutSec} onInput={(e) => setV({ ...v, ringTimeoutSec: Number(e.currentTarget.value) })} />
          </Field>
          <Field label={t('settings.hotline.voicemail')} path="voicemailMaxSec" errors={errors}>
            <input name="voicemailMaxSec" type="number" min="10" max="600" value={v.voicemailMaxSec} onInput={(e) => setV({ ...v, voicemailMaxSec: Number(e.currentTarget.value) })} />
          </Field>
        </div>
        <button type="submit" class="primary">{t('settings.save')}</button>
      </form>
    </section>
  );
}
