import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import type { Me } from '../../session';
import { errorText, type Unit, UnitCard } from './units-common';

/** Find a unit by its serial (the plate, the warranty card): its owner, warranty and tickets. */
export function UnitSearch({ me }: { me: Me }) {
  const { t } = useT();
  const [serial, setSerial] = useState('');
  const [found, setFound] = useState<{ unit: Unit; owner: string } | null>(null);
  const [models, setModels] = useState<string[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const find = async (model?: string) => {
    setMessage(null);
    setModels(null);
    setFound(null);
    try {
      const unit = await api<Unit>(`/api/units?serial=${encodeURIComponent(serial.trim())}${model ? `&model=${encodeURIComponent(model)}` : ''}`);
      const owner = await api<{ name: string }>(`/api/customers/${unit.customerId}`).then((c) => c.name).catch(() => '');
      setFound({ unit, owner });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'ambiguous_serial') setModels(err.details?.models ?? []);
      else if (err instanceof ApiError && err.status === 404) setMessage(t('units.search.notFound'));
      else setMessage(errorText(t, err));
    }
  };
  return (
    <section class="unit-search">
      <form class="row" onSubmit={(e) => (e.preventDefault(), serial.trim() && void find())}>
        <input name="serial-search" placeholder={t('units.search.placeholder')} aria-label={t('units.search.title')} value={serial} onInput={(e) => setSerial(e.currentTarget.value)} />
        <button type="submit">{t('units.search.go')}</button>
      </form>
      {message && <p class="muted small">{message}</p>}
      {models && (
        <p class="small">{t('units.search.ambiguous')} {models.map((m) => <button class="link" onClick={() => void find(m)}>{m}</button>)}</p>
      )}
      {found && (
        <div class="found" data-testid="unit-found">
          <UnitCard unit={found.unit} me={me} onChange={(u) => setFound({ ...found, unit: u })} />
          {found.owner && <p class="small">{t('units.search.customer', { name: found.owner })}</p>}
          <p class="small">
            {t('units.search.tickets')}: {found.unit.tickets.length ? found.unit.tickets.map((n) => <a href={`#/ticket/${n}`}> #{n}</a>) : t('units.search.noTickets')}
          </p>
        </div>
      )}
    </section>
  );
}
