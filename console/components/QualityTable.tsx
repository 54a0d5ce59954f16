import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { errorText } from '../errors';
import { useT } from '../i18n';
import { ReturnsByModel, ReturnsTable } from './units/ReturnsTable';

interface Quality {
  month: string;
  tickets: number;
  withoutModel: number;
  previousMonthTickets: number;
  models: {
    model: string;
    total: number;
    fault: number;
    warranty: number;
    return: number;
    units: number;
    repeatUnits: { serial: string; tickets: number }[];
    recurring: boolean;
    previousMonth: number;
    examples: { number: number; subject: string; type: string; serial: string | null }[];
  }[];
  returns: { total: number; models: ReturnsByModel[] };
}

/** The monthly product-quality feedback for R&D: recurring faults by product model, with example tickets. */
export function QualityTable({ month, onMonth }: { month: string; onMonth: (m: string) => void }) {
  const { t } = useT();
  const [data, setData] = useState<Quality | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api<Quality>(`/api/reports/product-quality?month=${month}&limit=10`)
      .then((q) => live && setData(q))
      .catch((err) => live && setError(errorText(err, t)));
    return () => void (live = false);
  }, [month]);

  return (
    <section class="card quality" data-month={data?.month ?? ''}>
      <div class="row">
        <h3>{t('reports.quality.title')}</h3>
        <span class="spacer" />
        <label class="muted small">{t('reports.quality.month')}{' '}
          <input type="month" name="quality-month" value={month} onChange={(e) => e.currentTarget.value && onMonth(e.currentTarget.value)} />
        </label>
      </div>
      {error && <p class="error">{t('error.generic', { message: error })}</p>}
      {data && (
        <p class="muted small">
          {t('reports.quality.summary', { tickets: data.tickets, previous: data.previousMonthTickets, without: data.withoutModel })}
        </p>
      )}
      {data && !data.models.length && <p class="muted">{t('reports.quality.empty')}</p>}
      {data && data.models.length > 0 && (
        <table class="report-table">
          <thead>
            <tr>
              <th>{t('reports.quality.model')}</th>
              <th class="num-col">{t('reports.quality.total')}</th>
              <th class="num-col">{t('type.fault')}</th>
              <th class="num-col">{t('type.warranty')}</th>
              <th class="num-col">{t('type.return')}</th>
              <th class="num-col">{t('reports.quality.units')}</th>
              <th class="num-col">{t('reports.quality.previous')}</th>
              <th>{t('reports.quality.examples')}</th>
            </tr>
          </thead>
          <tbody>
            {data.models.map((m) => (
              <tr key={m.model} data-model={m.model} class={m.recurring ? 'recurring' : ''}>
                <td>
                  <strong>{m.model}</strong> {m.recurring && <span class="badge recurring-tag">{t('reports.quality.recurring')}</span>}
                  {m.repeatUnits.length > 0 && (
                    <div class="muted small">{t('reports.quality.repeatUnits')}: {m.repeatUnits.map((u) => `${u.serial} ×${u.tickets}`).join(', ')}</div>
                  )}
                </td>
                <td class="num-col">{m.total}</td>
                <td class="num-col">{m.fault}</td>
                <td class="num-col">{m.warranty}</td>
                <td class="num-col">{m.return}</td>
                <td class="num-col">{m.units}</td>
                <td class="num-col">{m.previousMonth}</td>
                <td class="examples">
                  {m.examples.map((x) => (
                    <a key={x.number} href={`#/ticket/${x.number}`} title={`${t(`type.${x.type}`)} · ${x.subject}${x.serial ? ` · ${x.serial}` : ''}`}>#{x.number}</a>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && <ReturnsTable data={data.returns} />}
    </section>
  );
}
