import type { ReturnsByModel } from '../../../src/modules/reports/report.payloads';
import { useT } from '../../i18n';

export type { ReturnsByModel };

/** The product-quality report's returns and exchanges by model and reason. */
export function ReturnsTable({ data }: { data: { total: number; models: ReturnsByModel[] } }) {
  const { t } = useT();
  const kinds = (m: ReturnsByModel) => (['return', 'exchange', 'repair'] as const).filter((k) => m.kinds[k]).map((k) => `${t(`returns.kind.${k}`)} ${m.kinds[k]}`).join(' · ');
  const outcomes = (m: ReturnsByModel) =>
    [
      ...(['refund', 'replace', 'repair'] as const).filter((k) => m.outcomes[k]).map((k) => `${t(`returns.step.${k}`)} ${m.outcomes[k]}`),
      ...(m.outcomes.rejected ? [`${t('reports.returns.rejected')} ${m.outcomes.rejected}`] : []),
      ...(m.outcomes.open ? [`${t('reports.returns.open')} ${m.outcomes.open}`] : []),
    ].join(' · ');
  return (
    <div class="quality-returns" data-testid="quality-returns">
      <h4>{t('reports.returns.title')}</h4>
      <p class="muted small">{data.total ? t('reports.returns.summary', { total: data.total }) : t('reports.returns.empty')}</p>
      {data.models.length > 0 && (
        <table class="report-table">
          <thead>
            <tr>
              <th>{t('reports.quality.model')}</th><th class="num-col">{t('reports.quality.total')}</th><th>{t('reports.returns.kinds')}</th>
              <th>{t('reports.returns.reasons')}</th><th>{t('reports.returns.outcomes')}</th><th>{t('reports.quality.examples')}</th>
            </tr>
          </thead>
          <tbody>
            {data.models.map((m) => (
              <tr key={m.model} data-model={m.model}>
                <td><strong>{m.model}</strong></td>
                <td class="num-col">{m.total}</td>
                <td>{kinds(m)}</td>
                <td>{m.reasons.map((r) => `${t(`returns.reasonCode.${r.code}`)} ${r.count}`).join(' · ')}</td>
                <td>{outcomes(m)}</td>
                <td class="examples">{m.examples.map((x) => <a href={`#/ticket/${x.ticketNumber}`} title={`${x.serial} · ${x.reason}`}>{x.number}</a>)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
