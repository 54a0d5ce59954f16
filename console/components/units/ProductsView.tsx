import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import { errorText, FormActions, type Product } from './units-common';

type Draft = Omit<Product, 'createdAt' | 'updatedAt'>;
const EMPTY: Draft = { model: '', name: { en: '', 'zh-CN': '' }, category: '', warrantyMonths: 12, returnDays: 7, exchangeDays: 15, maintenance: null, active: true };

/** The product catalogue for managers: models, warranty months and the 三包 windows. */
export function ProductsView() {
  const { t, locale } = useT();
  const [list, setList] = useState<Product[]>([]);
  const [editing, setEditing] = useState<{ product: Draft; isNew: boolean } | null>(null);
  const load = () => api<{ products: Product[] }>('/api/products?includeInactive=true').then((r) => setList(r.products));
  useEffect(() => void load(), []);
  return (
    <div class="products-view reports">
      <div class="row">
        <h2>{t('products.title')}</h2>
        <span class="spacer" />
        <button class="primary" data-action="new-product" onClick={() => setEditing({ product: EMPTY, isNew: true })}>{t('products.new')}</button>
      </div>
      {editing && <ProductForm {...editing} onDone={(saved) => (setEditing(null), saved && void load())} />}
      <table class="report-table">
        <thead>
          <tr>
            <th>{t('products.model')}</th><th>{t('products.category')}</th><th class="num-col">{t('products.warrantyMonths')}</th>
            <th class="num-col">{t('products.returnDays')}</th><th class="num-col">{t('products.exchangeDays')}</th><th>{t('products.maintenance')}</th><th />
          </tr>
        </thead>
        <tbody>
          {list.map((p) => (
            <tr data-model={p.model} class={p.active ? '' : 'muted'}>
              <td><strong>{p.model}</strong> <span class="muted">{p.name[locale]}</span></td>
              <td>{p.category}</td>
              <td class="num-col">{p.warrantyMonths}</td>
              <td class="num-col">{p.returnDays}</td>
              <td class="num-col">{p.exchangeDays}</td>
              <td>{p.maintenance ? `${p.maintenance.firstAfterMonths} / ${p.maintenance.everyMonths}` : '–'}</td>
              <td><button class="link" onClick={() => setEditing({ product: p, isNew: false })}>{t('products.edit')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ProductForm({ product, isNew, onDone }: { product: Draft; isNew: boolean; onDone: (saved: boolean) => void }) {
  const { t } = useT();
  const [p, setP] = useState(product);
  const [error, setError] = useState<string | null>(null);
  const num = (v: string) => Number(v);
  const submit = async (e: Event) => {
    e.preventDefault();
    const { model, name, category, warrantyMonths, returnDays, exchangeDays, maintenance, active } = p;
    const terms = { name, category, warrantyMonths, returnDays, exchangeDays, maintenance, active };
    try {
      if (isNew) await api('/api/products', { method: 'POST', body: { model, ...terms } });
      else await api(`/api/products/${encodeURIComponent(model)}`, { method: 'PUT', body: terms });
      onDone(true);
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  const m = p.maintenance;
  return (
    <form class="card product-form" onSubmit={submit}>
      <div class="row">
        <label>{t('products.model')}<input name="product-model" value={p.model} disabled={!isNew} onInput={(e) => setP({ ...p, model: e.currentTarget.value })} required /></label>
        <label>{t('products.nameEn')}<input name="product-name-en" value={p.name.en} onInput={(e) => setP({ ...p, name: { ...p.name, en: e.currentTarget.value } })} required /></label>
        <label>{t('products.nameZh')}<input name="product-name-zh" value={p.name['zh-CN']} onInput={(e) => setP({ ...p, name: { ...p.name, 'zh-CN': e.currentTarget.value } })} required /></label>
        <label>{t('products.category')}<input name="product-category" value={p.category} onInput={(e) => setP({ ...p, category: e.currentTarget.value })} required /></label>
      </div>
      <div class="row">
        <label>{t('products.warrantyMonths')}<input name="product-warranty" type="number" min="0" value={p.warrantyMonths} onInput={(e) => setP({ ...p, warrantyMonths: num(e.currentTarget.value) })} /></label>
        <label>{t('products.returnDays')}<input name="product-return-days" type="number" min="0" value={p.returnDays} onInput={(e) => setP({ ...p, returnDays: num(e.currentTarget.value) })} /></label>
        <label>{t('products.exchangeDays')}<input name="product-exchange-days" type="number" min="0" value={p.exchangeDays} onInput={(e) => setP({ ...p, exchangeDays: num(e.currentTarget.value) })} /></label>
        <label>{t('products.maintenance')}
          <span class="row">
            <input name="product-maint-first" type="number" min="1" value={m?.firstAfterMonths ?? ''} onInput={(e) => setP({ ...p, maintenance: e.currentTarget.value ? { firstAfterMonths: num(e.currentTarget.value), everyMonths: m?.everyMonths ?? 12 } : null })} />
            <input name="product-maint-every" type="number" min="1" value={m?.everyMonths ?? ''} disabled={!m} onInput={(e) => m && setP({ ...p, maintenance: { ...m, everyMonths: num(e.currentTarget.value) } })} />
          </span>
        </label>
        <label>{t('products.active')}<input name="product-active" type="checkbox" checked={p.active} onChange={(e) => setP({ ...p, active: e.currentTarget.checked })} /></label>
      </div>
      <FormActions error={error} save={t('products.save')} onCancel={() => onDone(false)} />
    </form>
  );
}
