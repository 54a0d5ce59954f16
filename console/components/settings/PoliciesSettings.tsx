import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useT } from '../../i18n';
import { teamName, useTeams } from '../../teams';
import { DATA_SLOT, DataLabel } from '../common';
import { Field, FormActions, joinDuration, splitDuration, submitting, type DurationUnit } from './form';

interface Policy {
  id: string;
  name: string;
  order: number;
  match: { priority?: string; type?: string; channel?: string; team?: string };
  targets: { firstResponse?: string; nextResponse?: string; resolution?: string };
  calendar: string | null;
  escalateOnCreate: number;
  active: boolean;
}
interface Draft {
  id?: string;
  name: string;
  order: number;
  match: Record<string, string>;
  targets: Record<string, { n: string; unit: DurationUnit }>;
  calendar: string;
  escalateOnCreate: number;
  active: boolean;
}
interface Preview {
  policy: { id: string; name: string } | null;
  calendar: string | null;
  due: { firstResponse?: string; resolution?: string };
}

const TARGETS = ['firstResponse', 'nextResponse', 'resolution'] as const;
const MATCH: Record<string, string[]> = {
  priority: ['low', 'normal', 'high', 'urgent'],
  type: ['inquiry', 'fault', 'complaint', 'return', 'warranty'],
  channel: ['email', 'chat', 'voice', 'web'],
};

const draftOf = (p: Policy | null, order: number): Draft => ({
  id: p?.id,
  name: p?.name ?? '',
  order: p?.order ?? order,
  match: { ...(p?.match ?? {}) } as Record<string, string>,
  targets: Object.fromEntries(TARGETS.map((k) => [k, splitDuration(p?.targets[k])])),
  calendar: p?.calendar ?? '',
  escalateOnCreate: p?.escalateOnCreate ?? 0,
  active: p?.active ?? true,
});

/** One duration in words: "2 hours", "1 working day". */
function DurationText({ iso }: { iso?: string }) {
  const { t } = useT();
  if (!iso) return <span class="muted">—</span>;
  const d = splitDuration(iso);
  return <span>{t(`settings.duration.${d.unit}`, { n: d.n })}</span>;
}

/**
 * SLA policies in the order they are tried (the first that matches a ticket applies): up and down
 * buttons or drag to reorder, a form per policy, and a preview of which policy a sample ticket gets
 * and when its targets fall due, computed by the server exactly as for a real ticket.
 */
export function PoliciesSettings() {
  const { t, locale } = useT();
  const teams = useTeams();
  const [policies, setPolicies] = useState<Policy[]>([]);
  const [calendars, setCalendars] = useState<string[]>([]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [sample, setSample] = useState({ priority: 'normal', type: 'inquiry', channel: 'email', team: 'support' });
  const [preview, setPreview] = useState<Preview | null>(null);

  const load = async () => setPolicies((await api<{ policies: Policy[] }>('/api/sla-policies')).policies);
  useEffect(() => {
    void load().catch((err) => setMessage(errorText(err, t)));
    api<{ calendars: { name: string }[] }>('/api/calendars').then((r) => setCalendars(r.calendars.map((c) => c.name))).catch(() => undefined);
  }, []);
  useEffect(() => {
    api<Preview>('/api/sla-policies/preview', { method: 'POST', body: sample }).then(setPreview).catch(() => setPreview(null));
  }, [JSON.stringify(sample), JSON.stringify(policies)]);

  async function reorder(ids: string[]) {
    await submitting(t, setErrors, setMessage, async () => setPolicies((await api<{ policies: Policy[] }>('/api/sla-policies/order', { method: 'POST', body: { ids } })).policies));
  }
  const move = (i: number, by: number) => {
    const ids = policies.map((p) => p.id);
    const j = i + by;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    void reorder(ids);
  };

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    const body = {
      name: draft.name,
      order: draft.order,
      match: Object.fromEntries(Object.entries(draft.match).filter(([, v]) => v)),
      targets: Object.fromEntries(TARGETS.map((k) => [k, joinDuration(draft.targets[k].n, draft.targets[k].unit)]).filter(([, v]) => v)),
      calendar: draft.calendar || null,
      escalateOnCreate: draft.escalateOnCreate,
      active: draft.active,
    };
    const ok = await submitting(t, setErrors, setMessage, () => api(draft.id ? `/api/sla-policies/${draft.id}` : '/api/sla-policies', { method: draft.id ? 'PUT' : 'POST', body }));
    if (ok) {
      setDraft(null);
      setMessage(t('settings.saved'));
      await load();
    }
  }

  const matchText = (p: Policy) =>
    Object.entries(p.match).length
      ? Object.entries(p.match).map(([k, v]) => (k === 'team' ? teamName(teams, v, locale) : t(`${k}.${v}`))).join(' · ')
      : t('settings.sla.everyTicket');

  return (
    <section class="settings-section" data-section="sla">
      <div class="section-head">
        <h3>{t('settings.section.sla')}</h3>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => (setErrors({}), setDraft(draftOf(null, (policies[policies.length - 1]?.order ?? 0) + 10)))}>{t('settings.sla.new')}</button>
      </div>
      <p class="muted small">{t('settings.sla.help')}</p>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <ol class="policy-list">
        {policies.map((p, i) => (
          <li
            key={p.id}
            class={`policy card ${p.active ? '' : 'inactive'} ${dragging === p.id ? 'dragging' : ''}`}
            data-policy={p.name}
            draggable
            onDragStart={(e) => (setDragging(p.id), e.dataTransfer?.setData('text/plain', p.id))}
            onDragEnd={() => setDragging(null)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = e.dataTransfer?.getData('text/plain');
              if (!from || from === p.id) return;
              const ids = policies.map((x) => x.id).filter((id) => id !== from);
              ids.splice(ids.indexOf(p.id), 0, from);
              void reorder(ids);
            }}
          >
            <span class="order" aria-hidden="true">{i + 1}</span>
            <div class="grow">
              <strong translate={false}>{p.name}</strong> {!p.active && <span class="badge">{t('settings.inactive')}</span>}
              <div class="muted small">{matchText(p)}</div>
              <div class="small targets">
                {TARGETS.filter((k) => p.targets[k]).map((k) => (
                  <span key={k}>{t(`target.${k}`)}: <DurationText iso={p.targets[k]} /></span>
                ))}
                <span>{p.calendar ? <>{t('settings.sla.onCalendar')} <span translate={false}>{p.calendar}</span></> : t('settings.sla.allDay')}</span>
              </div>
            </div>
            <div class="row-actions">
              <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>
                <span aria-hidden="true">↑</span>
                <DataLabel text={t('settings.moveUp', { name: DATA_SLOT })} name={p.name} />
              </button>
              <button type="button" disabled={i === policies.length - 1} onClick={() => move(i, 1)}>
                <span aria-hidden="true">↓</span>
                <DataLabel text={t('settings.moveDown', { name: DATA_SLOT })} name={p.name} />
              </button>
              <button type="button" onClick={() => (setErrors({}), setDraft(draftOf(p, p.order)))}>{t('settings.edit')}</button>
            </div>
          </li>
        ))}
      </ol>

      {draft && (
        <form class="card settings-form" onSubmit={save} aria-label={draft.id ? t('settings.sla.edit') : t('settings.sla.new')}>
          <h4>{draft.id ? t('settings.sla.edit') : t('settings.sla.new')}</h4>
          <Field label={t('settings.name')} path="name" errors={errors}>
            <input name="name" required value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
          </Field>
          <fieldset>
            <legend>{t('settings.sla.match')}</legend>
            <div class="form-grid">
              {Object.entries(MATCH).map(([k, values]) => (
                <Field key={k} label={t(`ticket.${k === 'channel' ? 'channel' : k}`)} path={`match.${k}`} errors={errors}>
                  <select name={`match.${k}`} value={draft.match[k] ?? ''} onChange={(e) => setDraft({ ...draft, match: { ...draft.match, [k]: e.currentTarget.value } })}>
                    <option value="">{t('search.any')}</option>
                    {values.map((v) => <option value={v}>{t(`${k}.${v}`)}</option>)}
                  </select>
                </Field>
              ))}
              <Field label={t('ticket.team')} path="match.team" errors={errors}>
                <select name="match.team" value={draft.match.team ?? ''} onChange={(e) => setDraft({ ...draft, match: { ...draft.match, team: e.currentTarget.value } })}>
                  <option value="">{t('search.any')}</option>
                  {teams.map((x) => <option value={x.key}>{teamName(teams, x.key, locale)}</option>)}
                </select>
              </Field>
            </div>
          </fieldset>
          <fieldset>
            <legend>{t('settings.sla.targets')}</legend>
            <div class="form-grid">
              {TARGETS.map((k) => (
                <Field key={k} label={t(`target.${k}`)} path={`targets.${k}`} errors={errors}>
                  <span class="duration">
                    <input name={`targets.${k}`} type="number" min="0" step="any" inputMode="decimal" value={draft.targets[k].n} onInput={(e) => setDraft({ ...draft, targets: { ...draft.targets, [k]: { ...draft.targets[k], n: e.currentTarget.value } } })} />
                    <select name={`targets.${k}.unit`} aria-label={t('settings.unit')} value={draft.targets[k].unit} onChange={(e) => setDraft({ ...draft, targets: { ...draft.targets, [k]: { ...draft.targets[k], unit: e.currentTarget.value as DurationUnit } } })}>
                      {(['M', 'H', 'D'] as const).map((u) => <option value={u}>{t(`settings.unit.${u}`)}</option>)}
                    </select>
                  </span>
                </Field>
              ))}
              {errors.targets && <span class="field-error">{errors.targets}</span>}
            </div>
          </fieldset>
          <div class="form-grid">
            <Field label={t('settings.sla.calendar')} path="calendar" errors={errors} hint={t('settings.sla.calendarHint')}>
              <select name="calendar" value={draft.calendar} onChange={(e) => setDraft({ ...draft, calendar: e.currentTarget.value })}>
                <option value="">{t('settings.sla.allDay')}</option>
                {calendars.map((c) => <option value={c} translate={false}>{c}</option>)}
              </select>
            </Field>
            <Field label={t('settings.sla.escalateOnCreate')} path="escalateOnCreate" errors={errors}>
              <select name="escalateOnCreate" value={String(draft.escalateOnCreate)} onChange={(e) => setDraft({ ...draft, escalateOnCreate: Number(e.currentTarget.value) })}>
                {[0, 1, 2, 3].map((l) => <option value={l}>{l ? t(`esc.levelName.${l}`) : t('settings.sla.noAlert')}</option>)}
              </select>
            </Field>
            <label class="check">
              <input type="checkbox" name="active" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.currentTarget.checked })} /> {t('settings.active')}
            </label>
          </div>
          <FormActions t={t} onCancel={() => setDraft(null)} />
        </form>
      )}

      <section class="card preview" aria-labelledby="sla-preview-title" data-testid="sla-preview">
        <h4 id="sla-preview-title">{t('settings.sla.preview')}</h4>
        <div class="form-grid">
          {Object.entries(MATCH).map(([k, values]) => (
            <label key={k}>{t(`ticket.${k === 'channel' ? 'channel' : k}`)}
              <select name={`sample.${k}`} value={(sample as Record<string, string>)[k]} onChange={(e) => setSample({ ...sample, [k]: e.currentTarget.value })}>
                {values.map((v) => <option value={v}>{t(`${k}.${v}`)}</option>)}
              </select>
            </label>
          ))}
          <label>{t('ticket.team')}
            <select name="sample.team" value={sample.team} onChange={(e) => setSample({ ...sample, team: e.currentTarget.value })}>
              {teams.map((x) => <option value={x.key}>{teamName(teams, x.key, locale)}</option>)}
            </select>
          </label>
        </div>
        {preview && (
          <p data-preview-policy={preview.policy?.name ?? ''}>
            {preview.policy ? (
              <>
                {t('settings.sla.previewGets')} <strong translate={false}>{preview.policy.name}</strong>
                {preview.due.firstResponse && <> · {t('target.firstResponse')}: {new Date(preview.due.firstResponse).toLocaleString(locale)}</>}
                {preview.due.resolution && <> · {t('target.resolution')}: {new Date(preview.due.resolution).toLocaleString(locale)}</>}
              </>
            ) : (
              t('settings.sla.previewNone')
            )}
          </p>
        )}
      </section>
    </section>
  );
}
