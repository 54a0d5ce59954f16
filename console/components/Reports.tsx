import { useEffect, useRef, useState } from 'preact/hooks';
import { api, download } from '../api';
import { errorText } from '../errors';
import { duration, useT } from '../i18n';
import type { Me } from '../session';
import { BarChart, Datum, Legend, LineChart } from './charts';
import { useFieldDefs } from './FieldInputs';
import { QualityTable } from './QualityTable';
import { dayLabel, daysOf, decimal, isoDay, percent, Preset, PRESETS, rangeOf } from './report-range';

export interface SummaryRow {
  key: string;
  label: string;
  tickets: number;
  firstResponseMedianSec: number | null;
  firstResponseP90Sec: number | null;
  resolutionMedianSec: number | null;
  resolutionP90Sec: number | null;
  resolutionRate: number | null;
  slaCompliance: number | null;
  slaByTarget: { firstResponse: number | null; resolution: number | null };
  csatAverage: number | null;
  csatResponses: number;
  csatResponseRate: number | null;
  complaints: number;
  complaintRate: number | null;
  followUps: number;
  followUpCompletion: number | null;
  calls: number;
  callsAnsweredWithin30s: number | null;
  workOrders: number;
  onSiteCompliance: number | null;
  firstVisitFixRate: number | null;
  revisitRate: number | null;
  workOrdersPerEngineer: number | null;
}
interface Summary {
  from: string;
  to: string;
  groupBy: GroupBy;
  groups: SummaryRow[];
  totals: SummaryRow;
}
/** a fixed dimension, or a custom field of the tickets (options and checkboxes group well) */
type GroupBy = 'channel' | 'team' | 'agent' | 'day' | `field:${string}`;
const GROUP_BYS: GroupBy[] = ['channel', 'team', 'agent', 'day'];
type Range = { from: string; to: string };

const summaryUrl = (r: Range, groupBy: GroupBy) => `/api/reports/summary?from=${r.from}&to=${r.to}&groupBy=${groupBy}`;

/** The department's KPIs for supervisors and up: tiles of the totals, charts per day and per group, R&D's quality table. */
export function Reports({ me }: { me: Me }) {
  const { t, locale } = useT();
  const [preset, setPreset] = useState<Preset>('30d');
  const [custom, setCustom] = useState<Range>(() => ({ from: isoDay(Date.now() - 13 * 86400000), to: isoDay(Date.now()) }));
  const [groupBy, setGroupBy] = useState<GroupBy>('channel');
  const [byDay, setByDay] = useState<Summary | null>(null);
  const [byGroup, setByGroup] = useState<Summary | null>(null);
  const [teams, setTeams] = useState<Map<string, { name: string; nameZh: string }>>(new Map());
  const [month, setMonth] = useState(() => isoDay(Date.now()).slice(0, 7));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const groupFields = useFieldDefs('ticket').filter((f) => f.type === 'select' || f.type === 'checkbox');
  const fieldOf = (g: GroupBy) => (g.startsWith('field:') ? groupFields.find((f) => f.key === g.slice(6)) : undefined);
  const range = rangeOf(preset, custom);

  useEffect(() => {
    api<{ teams: { key: string; name: string; nameZh: string }[] }>('/api/teams').then((r) => setTeams(new Map(r.teams.map((x) => [x.key, x])))).catch(() => undefined);
  }, []);
  useEffect(() => {
    if (!range) return;
    const n = ++seq.current; // only the latest request may paint (a slow answer must not overwrite a newer one)
    setBusy(true);
    setError(null);
    const dayReq = api<Summary>(summaryUrl(range, 'day'));
    const groupReq = groupBy === 'day' ? dayReq : api<Summary>(summaryUrl(range, groupBy));
    Promise.all([dayReq, groupReq])
      .then(([d, g]) => n === seq.current && (setByDay(d), setByGroup(g)))
      .catch((err) => n === seq.current && setError(errorText(err, t)))
      .finally(() => n === seq.current && setBusy(false));
    setMonth(isoDay(Date.parse(range.to) - 86400000).slice(0, 7));
  }, [range?.from, range?.to, groupBy]);

  async function downloadCsv() {
    if (!range) return;
    setError(null);
    try {
      // the headers and labels in the reader's language
      await download(`${summaryUrl(range, groupBy)}&locale=${locale}`, 'summary.csv', 'text/csv');
    } catch (err) {
      setError(errorText(err, t));
    }
  }

  const dur = (s: number | null) => (s === null ? '—' : duration(s, locale));
  const pct = (v: number | null) => percent(v, locale);
  const groupLabel = (r: SummaryRow, g: GroupBy) => {
    if (g === 'channel') return t(`channel.${r.key}`);
    if (g === 'day') return dayLabel(r.key, locale);
    const field = fieldOf(g);
    if (field) {
      const o = field.options.find((x) => x.value === r.key);
      if (o) return o.label[locale];
      if (field.type === 'checkbox' && (r.key === 'true' || r.key === 'false')) return t(r.key === 'true' ? 'fields.yes' : 'fields.no');
      return r.key === 'unassigned' ? t('fields.noValue') : r.label || r.key;
    }
    if (r.key === 'unassigned') return t('queue.unassigned');
    const team = g === 'team' ? teams.get(r.key) : undefined;
    return team ? (locale === 'zh-CN' && team.nameZh ? team.nameZh : team.name) : r.label;
  };

  const tot = byDay?.totals;
  const days = byDay ? daysOf(byDay) : [];
  const dayRows = new Map((byDay?.groups ?? []).map((g) => [g.key, g]));
  const dayLabels = days.map((d) => dayLabel(d, locale));
  const perDay: Datum[] = days.map((d, i) => {
    const v = dayRows.get(d)?.tickets ?? 0;
    return { key: d, label: dayLabels[i], value: v, title: `${dayLabels[i]}: ${t('reports.ticketsCount', { count: v })}` };
  });
  // medians in hours when they run long, else in minutes: axis numbers stay short
  const longest = Math.max(0, ...days.map((d) => Math.max(dayRows.get(d)?.firstResponseMedianSec ?? 0, dayRows.get(d)?.resolutionMedianSec ?? 0)));
  const unit = longest >= 2 * 3600 ? 3600 : 60;
  const medianSeries = (['firstResponse', 'resolution'] as const).map((k) => {
    const secs = days.map((d) => dayRows.get(d)?.[`${k}MedianSec`] ?? null);
    return { name: t(`reports.median.${k}`), cls: k, values: secs.map((s) => (s === null ? null : s / unit)), titles: secs.map((s, i) => `${dayLabels[i]} · ${t(`reports.median.${k}`)}: ${dur(s)}`) };
  });
  const shownGroup = byGroup?.groupBy ?? groupBy;
  const groupRows = byGroup?.groups.filter((g) => g.tickets > 0) ?? [];
  const slaData: Datum[] = groupRows.map((g) => ({ key: g.key, label: groupLabel(g, shownGroup), value: g.slaCompliance, title: `${groupLabel(g, shownGroup)}: ${pct(g.slaCompliance)} (${t('target.firstResponse')} ${pct(g.slaByTarget.firstResponse)}, ${t('target.resolution')} ${pct(g.slaByTarget.resolution)})` }));
  const csatData: Datum[] = groupRows.map((g) => ({ key: g.key, label: groupLabel(g, shownGroup), value: g.csatAverage, title: `${groupLabel(g, shownGroup)}: ${decimal(g.csatAverage, locale)} / 5 · ${t('reports.answers', { count: g.csatResponses })}` }));
  const shownField = fieldOf(shownGroup);
  const groupName = shownField ? shownField.label[locale] : t(`reports.groupBy.${shownGroup}`);

  const tiles: { k: string; value: number | null; text: string; sub?: string }[] = tot
    ? [
        { k: 'tickets', value: tot.tickets, text: String(tot.tickets), sub: t('reports.resolvedRate', { rate: pct(tot.resolutionRate) }) },
        { k: 'firstResponseMedianSec', value: tot.firstResponseMedianSec, text: dur(tot.firstResponseMedianSec), sub: t('reports.p90', { value: dur(tot.firstResponseP90Sec) }) },
        { k: 'resolutionMedianSec', value: tot.resolutionMedianSec, text: dur(tot.resolutionMedianSec), sub: t('reports.p90', { value: dur(tot.resolutionP90Sec) }) },
        { k: 'slaCompliance', value: tot.slaCompliance, text: pct(tot.slaCompliance), sub: `${t('target.firstResponse')} ${pct(tot.slaByTarget.firstResponse)} · ${t('target.resolution')} ${pct(tot.slaByTarget.resolution)}` },
        { k: 'csatAverage', value: tot.csatAverage, text: tot.csatAverage === null ? '—' : `${decimal(tot.csatAverage, locale)} / 5`, sub: t('reports.answers', { count: tot.csatResponses }) },
        { k: 'csatResponseRate', value: tot.csatResponseRate, text: pct(tot.csatResponseRate) },
        { k: 'complaintRate', value: tot.complaintRate, text: pct(tot.complaintRate), sub: t('reports.complaintsCount', { count: tot.complaints }) },
        { k: 'followUpCompletion', value: tot.followUpCompletion, text: pct(tot.followUpCompletion), sub: t('reports.followUpsCount', { count: tot.followUps }) },
        { k: 'callsAnsweredWithin30s', value: tot.callsAnsweredWithin30s, text: pct(tot.callsAnsweredWithin30s), sub: t('reports.callsCount', { count: tot.calls }) },
        { k: 'onSiteCompliance', value: tot.onSiteCompliance, text: pct(tot.onSiteCompliance), sub: t('reports.workOrdersCount', { count: tot.workOrders, perEngineer: decimal(tot.workOrdersPerEngineer, locale) }) },
        { k: 'firstVisitFixRate', value: tot.firstVisitFixRate, text: pct(tot.firstVisitFixRate) },
        { k: 'revisitRate', value: tot.revisitRate, text: pct(tot.revisitRate) },
      ]
    : [];

  return (
    <div class={`reports ${busy ? 'busy' : ''}`} data-from={byDay?.from.slice(0, 10) ?? ''} data-to={byDay?.to.slice(0, 10) ?? ''} data-groupby={byGroup?.groupBy ?? ''}>
      <div class="report-controls">
        <h2>{t('reports.title')} <span class="muted small" translate={false}>{me.name}</span></h2>
        <span class="spacer" />
        <div class="presets" role="group" aria-label={t('reports.range')}>
          {PRESETS.map((p) => (
            <button type="button" key={p} data-preset={p} class={preset === p ? 'active' : ''} aria-pressed={preset === p} onClick={() => setPreset(p)}>{t(`reports.preset.${p}`)}</button>
          ))}
        </div>
        {preset === 'custom' && (
          <span class="custom-range">
            <input type="date" name="from" aria-label={t('reports.from')} value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} />
            {' – '}
            <input type="date" name="to" aria-label={t('reports.to')} value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} />
          </span>
        )}
        <label class="muted small">{t('reports.groupByLabel')}{' '}
          <select name="groupBy" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as GroupBy)}>
            {GROUP_BYS.map((g) => <option value={g}>{t(`reports.groupBy.${g}`)}</option>)}
            {groupFields.map((f) => <option value={`field:${f.key}`}>{t('reports.groupBy.field', { field: f.label[locale] })}</option>)}
          </select>
        </label>
        <button type="button" class="primary" data-action="csv" disabled={!range} onClick={() => void downloadCsv()}>{t('reports.csv')}</button>
      </div>
      {!range && <p class="error">{t('reports.badRange')}</p>}
      {error && <p class="error">{t('error.generic', { message: error })}</p>}
      {!byDay && !error && <p class="muted">{t('ticket.loading')}</p>}
      {tot && (
        <>
          <div class="tiles">
            {tiles.map((x) => (
              <div class="card tile" key={x.k} data-k={x.k} data-value={x.value === null ? '' : String(x.value)}>
                <div class="tile-label">{t(`reports.kpi.${x.k}`)}</div>
                <div class="tile-value">{x.text}</div>
                {x.sub && <div class="tile-sub muted small">{x.sub}</div>}
              </div>
            ))}
          </div>
          <div class="chart-grid">
            <section class="card">
              <h3>{t('reports.chart.perDay')}</h3>
              <BarChart testid="tickets-per-day" ariaLabel={t('reports.chart.perDay')} data={perDay} format={(v) => String(v)} axisTitle={t('reports.axis.tickets')} />
            </section>
            <section class="card">
              <h3>{t('reports.chart.medians')}</h3>
              <LineChart testid="medians-per-day" ariaLabel={t('reports.chart.medians')} labels={dayLabels} series={medianSeries} format={(v) => decimal(v, locale, 1)} axisTitle={t(unit === 3600 ? 'reports.axis.hours' : 'reports.axis.minutes')} />
              <Legend items={medianSeries} />
            </section>
            <section class="card">
              <h3>{t('reports.chart.slaBy', { group: groupName })}</h3>
              <BarChart testid="sla-by-group" extra={{ 'data-groupby': shownGroup }} ariaLabel={t('reports.chart.slaBy', { group: groupName })} data={slaData} max={1} format={(v) => pct(v)} tone={(v) => (v < 0.8 ? 'bad' : v < 0.9 ? 'warn' : 'ok')} />
            </section>
            <section class="card">
              <h3>{t('reports.chart.csatBy', { group: groupName })}</h3>
              <BarChart testid="csat-by-group" extra={{ 'data-groupby': shownGroup }} ariaLabel={t('reports.chart.csatBy', { group: groupName })} data={csatData} max={5} tickCount={5} format={(v) => decimal(v, locale, 1)} tone={(v) => (v < 3 ? 'bad' : v < 4 ? 'warn' : 'ok')} />
            </section>
          </div>
        </>
      )}
      <QualityTable month={month} onMonth={setMonth} />
    </div>
  );
}
