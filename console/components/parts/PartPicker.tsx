import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Part, StockRow } from './parts-common';

/** What the picker shows beside each part: available on the engineer's van and at central, kept live. */
function useAvailability(engineerId: string | null) {
  const [van, setVan] = useState<Map<string, number>>(new Map());
  const [central, setCentral] = useState<Map<string, number>>(new Map());
  const load = async () => {
    const rows = (loc: string) => api<{ stock: StockRow[] }>(`/api/stock?location=${encodeURIComponent(loc)}&condition=new`).then((r) => new Map(r.stock.map((s) => [s.sku, s.available])));
    const [v, c] = await Promise.all([engineerId ? rows(`engineer:${engineerId}`) : Promise.resolve(new Map<string, number>()), rows('central')]);
    setVan(v);
    setCentral(c);
  };
  useEffect(() => void load().catch(() => undefined), [engineerId]);
  useLive('stock:changed', () => void load().catch(() => undefined));
  return { van, central };
}

/**
 * The parts picker of the service report: the catalogue's parts that fit the unit's model (all
 * parts when the work order has no unit), each with what is available on the van and at central
 * now. The report names a catalogue part, not free text.
 */
export function PartPicker({ value, onChange, model, engineerId }: { value: string; onChange: (sku: string) => void; model: string | null; engineerId: string | null }) {
  const { t, locale } = useT();
  const [parts, setParts] = useState<Part[]>([]);
  const { van, central } = useAvailability(engineerId);
  useEffect(() => void api<{ parts: Part[] }>(`/api/parts?limit=200${model ? `&model=${encodeURIComponent(model)}` : ''}`).then((r) => setParts(r.parts)).catch(() => setParts([])), [model]);
  return (
    <select name="sku" required value={value} onChange={(e) => onChange(e.currentTarget.value)} data-picker="part">
      <option value="">{t('parts.picker.choose')}</option>
      {parts.map((p) => (
        <option value={p.sku} data-van={van.get(p.sku) ?? 0}>
          {t('parts.picker.option', { sku: p.sku, name: p.name[locale], van: van.get(p.sku) ?? 0, central: central.get(p.sku) ?? 0 })}
        </option>
      ))}
    </select>
  );
}
