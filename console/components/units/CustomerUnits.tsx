import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useLive } from '../../live';
import type { Me } from '../../session';
import { errorText, FormActions, type Product, type Unit, UnitCard } from './units-common';

/** The customer panel's units (客户档案: products by serial with warranty), and registering one. */
export function CustomerUnits({ customerId, me }: { customerId: string; me: Me }) {
  const { t } = useT();
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [adding, setAdding] = useState(false);
  const load = () => api<{ units: Unit[] }>(`/api/customers/${customerId}/units`).then((r) => setUnits(r.units)).catch(() => undefined);
  useEffect(() => {
    setUnits(null);
    void load();
  }, [customerId]);
  // an exchange adds a unit, a return takes one: the panel follows its customer's returns
  useLive('return:updated', (p) => p.customerId === customerId && void load());
  const replace = (u: Unit) => setUnits((list) => (list ?? []).map((x) => (x.id === u.id ? u : x)));
  return (
    <section class="units" data-testid="customer-units">
      <h4>{t('units.title')}</h4>
      {units && !units.length && <p class="muted small">{t('units.none')}</p>}
      {(units ?? []).map((u) => <UnitCard key={u.id} unit={u} me={me} onChange={replace} />)}
      {adding ? <RegisterUnit customerId={customerId} onDone={(u) => (setAdding(false), u && setUnits((list) => [...(list ?? []), u]))} /> : <button class="link small" onClick={() => setAdding(true)}>{t('units.register')}</button>}
    </section>
  );
}

function RegisterUnit({ customerId, onDone }: { customerId: string; onDone: (u: Unit | null) => void }) {
  const { t, locale } = useT();
  const [products, setProducts] = useState<Product[]>([]);
  const [form, setForm] = useState({ model: '', serial: '', purchaseDate: new Date().toISOString().slice(0, 10), purchasedFrom: '' });
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ products: Product[] }>('/api/products').then((r) => {
      setProducts(r.products);
      setForm((f) => ({ ...f, model: f.model || r.products[0]?.model || '' }));
    });
  }, []);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onDone(await api<Unit>(`/api/customers/${customerId}/units`, { method: 'POST', body: { model: form.model, serial: form.serial, purchaseDate: form.purchaseDate, ...(form.purchasedFrom ? { purchasedFrom: form.purchasedFrom } : {}) } }));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form class="register-unit" onSubmit={submit}>
      <label>{t('units.model')}
        <select name="unit-model" value={form.model} onChange={set('model')}>
          {products.map((p) => <option value={p.model}>{p.name[locale]}</option>)}
        </select>
      </label>
      <label>{t('units.serial')}<input name="unit-serial" value={form.serial} onInput={set('serial')} required /></label>
      <label>{t('units.purchaseDate')}<input name="unit-purchase-date" type="date" value={form.purchaseDate} onInput={set('purchaseDate')} required /></label>
      <label>{t('units.purchasedFrom')}<input name="unit-purchased-from" value={form.purchasedFrom} onInput={set('purchasedFrom')} /></label>
      <FormActions error={error} save={t('units.save')} onCancel={() => onDone(null)} />
    </form>
  );
}
