import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useT } from '../../i18n';
import { Field, FormActions, submitting } from './form';

interface Interval {
  day: number;
  from: string;
  to: string;
}
interface Calendar {
  name: string;
  timeZone: string;
  weekly: Interval[];
  holidays: { date: string; name?: string }[];
  workdays: { date: string; like?: number; name?: string }[];
}
interface Day {
  date: string;
  weekday: number;
  kind: 'open' | 'closed' | 'holiday' | 'makeup';
  name: string | null;
  hours: { from: string; to: string }[];
}

const DAYS = [1, 2, 3, 4, 5, 6, 7];
const zones = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();
const empty = (): Calendar & { isNew: boolean } => ({
  isNew: true,
  name: '',
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5].flatMap((day) => [{ day, from: '09:00', to: '12:00' }, { day, from: '13:30', to: '18:00' }]),
  holidays: [],
  workdays: [],
});
const firstOfMonth = (d = new Date()) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-01`;

/** The month as the server computes it: open hours per day, holidays, make-up workdays (调休). */
function MonthView({ name, month, onMonth, version }: { name: string; month: string; onMonth: (m: string) => void; version: number }) {
  const { t, locale } = useT();
  const [days, setDays] = useState<Day[]>([]);
  useEffect(() => {
    api<{ days: Day[] }>(`/api/calendars/${encodeURIComponent(name)}/days?from=${month}&days=31`).then((r) => setDays(r.days.filter((d) => d.date.slice(0, 7) === month.slice(0, 7)))).catch(() => setDays([]));
  }, [name, month, version]);
  const shift = (by: number) => {
    const [y, m] = month.split('-').map(Number);
    onMonth(firstOfMonth(new Date(y, m - 1 + by, 1)));
  };
  const blanks = days.length ? days[0].weekday - 1 : 0;
  const title = new Date(`${month}T00:00:00`).toLocaleDateString(locale, { year: 'numeric', month: 'long' });
  return (
    <section class="month card" aria-labelledby="month-title" data-testid="calendar-month">
      <div class="row">
        <button type="button" aria-label={t('settings.cal.previousMonth')} onClick={() => shift(-1)}>‹</button>
        <h4 id="month-title" class="grow center-text">{title}</h4>
        <button type="button" aria-label={t('settings.cal.nextMonth')} onClick={() => shift(1)}>›</button>
      </div>
      <div class="month-grid" role="grid" aria-labelledby="month-title">
        {DAYS.map((d) => <div key={`h${d}`} class="dow" role="columnheader">{t(`weekday.short.${d}`)}</div>)}
        {Array.from({ length: blanks }, (_, i) => <div key={`b${i}`} class="blank" />)}
        {days.map((d) => (
          <div key={d.date} role="gridcell" class={`day ${d.kind}`} data-date={d.date} data-kind={d.kind} title={d.name ?? undefined}>
            <span class="dnum">{Number(d.date.slice(8))}</span>
            {d.kind === 'holiday' && <span class="tag">{t('settings.cal.holiday')}</span>}
            {d.kind === 'makeup' && <span class="tag">{t('settings.cal.makeup')}</span>}
            {d.hours.map((h) => <span key={h.from} class="hours">{h.from}–{h.to}</span>)}
          </div>
        ))}
      </div>
    </section>
  );
}

/**
 * Business-hours calendars: a week of opening intervals (several a day: split shifts), holidays,
 * make-up workdays with the hours of another weekday, the time zone, and the month they make.
 */
export function CalendarsSettings() {
  const { t } = useT();
  const [list, setList] = useState<Calendar[]>([]);
  const [draft, setDraft] = useState<(Calendar & { isNew: boolean }) | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [month, setMonth] = useState(firstOfMonth());
  const [version, setVersion] = useState(0);

  const load = async () => setList((await api<{ calendars: Calendar[] }>('/api/calendars')).calendars);
  useEffect(() => void load().catch((err) => setMessage(errorText(err, t))), []);

  const upd = (c: Partial<Calendar>) => draft && setDraft({ ...draft, ...c });
  const weekly = draft?.weekly ?? [];
  const setSlot = (i: number, patch: Partial<Interval>) => upd({ weekly: weekly.map((w, j) => (j === i ? { ...w, ...patch } : w)) });

  async function save(e: Event) {
    e.preventDefault();
    if (!draft) return;
    const body = { timeZone: draft.timeZone, weekly: draft.weekly, holidays: draft.holidays.filter((h) => h.date), workdays: draft.workdays.filter((w) => w.date) };
    const ok = await submitting(t, setErrors, setMessage, () => api(draft.isNew ? '/api/calendars' : `/api/calendars/${encodeURIComponent(draft.name)}`, { method: draft.isNew ? 'POST' : 'PUT', body: draft.isNew ? { name: draft.name, ...body } : body }));
    if (ok) {
      setMessage(t('settings.saved'));
      setDraft({ ...draft, isNew: false });
      setVersion((v) => v + 1);
      await load();
    }
  }

  return (
    <section class="settings-section" data-section="calendars">
      <div class="section-head">
        <h3>{t('settings.section.calendars')}</h3>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => (setErrors({}), setDraft(empty()))}>{t('settings.cal.new')}</button>
      </div>
      {message && <p class={Object.keys(errors).length ? 'error' : 'notice'} role="status">{message}</p>}
      <ul class="plain chips">
        {list.map((c) => (
          <li key={c.name}>
            <button type="button" class={draft?.name === c.name && !draft.isNew ? 'active' : ''} data-calendar={c.name} onClick={() => (setErrors({}), setDraft({ ...c, holidays: c.holidays ?? [], workdays: c.workdays ?? [], isNew: false }))}>
              <span translate={false}>{c.name}</span> <span class="muted small" translate={false}>{c.timeZone}</span>
            </button>
          </li>
        ))}
      </ul>

      {draft && (
        <div class="calendar-editor">
          <form class="card settings-form" onSubmit={save} aria-label={t('settings.cal.editor')}>
            <div class="form-grid">
              <Field label={t('settings.name')} path="name" errors={errors} hint={draft.isNew ? t('settings.cal.nameHint') : undefined}>
                <input name="name" required disabled={!draft.isNew} pattern="[A-Za-z0-9_-]{1,64}" value={draft.name} onInput={(e) => upd({ name: e.currentTarget.value })} />
              </Field>
              <Field label={t('settings.cal.timeZone')} path="timeZone" errors={errors}>
                <input name="timeZone" required list="time-zones" value={draft.timeZone} onInput={(e) => upd({ timeZone: e.currentTarget.value })} />
                <datalist id="time-zones">{zones.map((z) => <option value={z} />)}</datalist>
              </Field>
            </div>
            <fieldset>
              <legend>{t('settings.cal.week')}</legend>
              <p class="muted small">{t('settings.cal.weekHelp')}</p>
              {DAYS.map((day) => (
                <div key={day} class="weekday" data-weekday={day}>
                  <span class="day-name">{t(`weekday.long.${day}`)}</span>
                  <div class="intervals">
                    {weekly.map((w, i) => w.day !== day ? null : (
                      <span key={i} class={`interval ${errors[`weekly.${i}.to`] || errors[`weekly.${i}`] ? 'invalid' : ''}`}>
                        <input type="time" name={`weekly.${i}.from`} aria-label={t('settings.cal.from', { day: t(`weekday.long.${day}`) })} value={w.from} onInput={(e) => setSlot(i, { from: e.currentTarget.value })} />
                        –
                        <input type="time" name={`weekly.${i}.to`} aria-label={t('settings.cal.to', { day: t(`weekday.long.${day}`) })} value={w.to === '24:00' ? '23:59' : w.to} onInput={(e) => setSlot(i, { to: e.currentTarget.value })} />
                        <button type="button" class="link" aria-label={t('settings.cal.removeInterval')} onClick={() => upd({ weekly: weekly.filter((_, j) => j !== i) })}>×</button>
                        {(errors[`weekly.${i}.to`] || errors[`weekly.${i}`]) && <span class="field-error">{errors[`weekly.${i}.to`] ?? errors[`weekly.${i}`]}</span>}
                      </span>
                    ))}
                    {!weekly.some((w) => w.day === day) && <span class="muted small">{t('settings.cal.closed')}</span>}
                    <button type="button" class="small" data-add-interval={day} onClick={() => upd({ weekly: [...weekly, { day, from: '09:00', to: '17:00' }] })}>{t('settings.cal.addInterval')}</button>
                  </div>
                </div>
              ))}
              {errors.weekly && <span class="field-error">{errors.weekly}</span>}
            </fieldset>
            <fieldset>
              <legend>{t('settings.cal.holidays')}</legend>
              {draft.holidays.map((h, i) => (
                <div key={i} class="row wrap dated">
                  <input type="date" name={`holidays.${i}.date`} aria-label={t('settings.cal.date')} value={h.date} onInput={(e) => upd({ holidays: draft.holidays.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)) })} />
                  <input name={`holidays.${i}.name`} aria-label={t('settings.name')} placeholder={t('settings.cal.holidayName')} value={h.name ?? ''} onInput={(e) => upd({ holidays: draft.holidays.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
                  <button type="button" class="link" aria-label={t('settings.remove')} onClick={() => upd({ holidays: draft.holidays.filter((_, j) => j !== i) })}>×</button>
                  {errors[`holidays.${i}.date`] && <span class="field-error">{errors[`holidays.${i}.date`]}</span>}
                </div>
              ))}
              <button type="button" class="small" data-add="holiday" onClick={() => upd({ holidays: [...draft.holidays, { date: '', name: '' }] })}>{t('settings.cal.addHoliday')}</button>
            </fieldset>
            <fieldset>
              <legend>{t('settings.cal.workdays')}</legend>
              <p class="muted small">{t('settings.cal.workdaysHelp')}</p>
              {draft.workdays.map((w, i) => (
                <div key={i} class="row wrap dated">
                  <input type="date" name={`workdays.${i}.date`} aria-label={t('settings.cal.date')} value={w.date} onInput={(e) => upd({ workdays: draft.workdays.map((x, j) => (j === i ? { ...x, date: e.currentTarget.value } : x)) })} />
                  <select name={`workdays.${i}.like`} aria-label={t('settings.cal.like')} value={String(w.like ?? 1)} onChange={(e) => upd({ workdays: draft.workdays.map((x, j) => (j === i ? { ...x, like: Number(e.currentTarget.value) } : x)) })}>
                    {DAYS.map((d) => <option value={d}>{t('settings.cal.hoursOf', { day: t(`weekday.long.${d}`) })}</option>)}
                  </select>
                  <input name={`workdays.${i}.name`} aria-label={t('settings.name')} placeholder={t('settings.cal.workdayName')} value={w.name ?? ''} onInput={(e) => upd({ workdays: draft.workdays.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
                  <button type="button" class="link" aria-label={t('settings.remove')} onClick={() => upd({ workdays: draft.workdays.filter((_, j) => j !== i) })}>×</button>
                  {errors[`workdays.${i}.date`] && <span class="field-error">{errors[`workdays.${i}.date`]}</span>}
                </div>
              ))}
              <button type="button" class="small" data-add="workday" onClick={() => upd({ workdays: [...draft.workdays, { date: '', like: 1, name: '' }] })}>{t('settings.cal.addWorkday')}</button>
            </fieldset>
            <FormActions t={t} onCancel={() => setDraft(null)} />
          </form>
          {!draft.isNew && <MonthView name={draft.name} month={month} onMonth={setMonth} version={version} />}
        </div>
      )}
    </section>
  );
}
