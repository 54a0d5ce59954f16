import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import type { T } from '../../i18n';
import { useT } from '../../i18n';
import type { Me } from '../../session';
import type { ProductPayload } from '../../../src/modules/products/product.payloads';
import type { UnitPayload } from '../../../src/modules/units/unit.payloads';

/** The server's own wire shapes (type-only imports of its leaves: nothing of the server enters the bundle). */
export type Unit = UnitPayload;
export type Warranty = UnitPayload['warranty'];
export type Product = ProductPayload;

const ALL_TEAMS = ['manager', 'director', 'admin'];
/** Same rule as the server's mayDecideWarranty: team warranty (members and leads) and managers. */
export const mayDecideWarranty = (me: Me) => ALL_TEAMS.includes(me.role) || me.teams.includes('warranty');
/** The returns work list is for the returns team, team leads and managers. */
export const seesReturns = (me: Me) => me.role !== 'agent' || me.teams.includes('returns');
/** Managers and admins write the catalogue (as the server's POST/PUT /api/products). */
export const mayEditCatalogue = (me: Me) => me.role === 'manager' || me.role === 'admin';

export { yuan } from '../../i18n/translate';
export const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

/** A server error in the reader's language when the console knows its code, else its message. */
export function errorText(t: T, err: unknown): string {
  if (err instanceof ApiError) {
    const key = `error.${err.code}`;
    const known = t(key, { message: err.message });
    if (known !== key) return known;
    return t('error.generic', { message: err.message });
  }
  return t('error.generic', { message: (err as Error).message });
}

/** The end of each form here: the error, the submit button and cancel. */
export function FormActions({ error, save, onCancel }: { error: string | null; save: string; onCancel: () => void }) {
  const { t } = useT();
  return (
    <>
      {error && <p class="error small">{error}</p>}
      <div class="row">
        <button type="submit" class="primary">{save}</button>
        <button type="button" onClick={onCancel}>{t('units.cancel')}</button>
      </div>
    </>
  );
}

export function WarrantyBadge({ status }: { status: 'in' | 'out' }) {
  const { t } = useT();
  return <span class={`badge w-${status}`} data-warranty={status}>{t(`units.warranty.${status}`)}</span>;
}

export function Entitlement({ list }: { list: string[] }) {
  const { t } = useT();
  return (
    <span class="entitlement" data-entitlement={list.join(',')}>
      {list.map((e) => <span class={`chip ent-${e}`}>{t(`units.entitlement.${e}`)}</span>)}
    </span>
  );
}

/** One unit: model, serial, warranty and entitlement with the reason; an override beside the rule's answer. */
export function UnitCard({ unit, me, onChange }: { unit: Unit; me: Me; onChange?: (u: Unit) => void }) {
  const { t, locale } = useT();
  const [deciding, setDeciding] = useState(false);
  const w = unit.warranty;
  const day = (iso: string) => new Date(iso).toLocaleDateString(locale);
  return (
    <div class="unit-card" data-unit={unit.id} data-serial={unit.serial}>
      <div class="row">
        <strong>{unit.product ? unit.product.name[locale] : unit.model}</strong>
        <span class="muted small">{unit.serial}</span>
      </div>
      <div class="row small">
        <WarrantyBadge status={w.status} />
        {w.lastDay && <span class="muted">{t('units.until', { date: w.lastDay })}</span>}
        {unit.purchaseDate && <span class="muted">{t('units.bought', { date: day(unit.purchaseDate) })}</span>}
      </div>
      <Entitlement list={w.entitlement} />
      <p class="reason small" data-reason={w.reason.code}>{w.reason[locale]}</p>
      {w.computed && (
        <p class="computed small muted" data-computed={w.computed.status}>
          {t('units.computed', { status: t(`units.warranty.${w.computed.status}`), reason: w.computed.reason[locale] })}
        </p>
      )}
      {unit.openReturnId && <span class="badge">{t('units.openReturn')}</span>}
      {unit.replacedBy && <span class="badge">{t('units.replacedBy')}</span>}
      {onChange && mayDecideWarranty(me) && !deciding && <button class="link small" onClick={() => setDeciding(true)}>{t('units.decide')}</button>}
      {deciding && onChange && <DecideForm unit={unit} onDone={(u) => (setDeciding(false), u && onChange(u))} />}
    </div>
  );
}

function DecideForm({ unit, onDone }: { unit: Unit; onDone: (u: Unit | null) => void }) {
  const { t } = useT();
  const [status, setStatus] = useState<string>(unit.warranty.override?.status ?? (unit.warranty.status === 'in' ? 'out' : 'in'));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onDone(await api<Unit>(`/api/units/${unit.id}/warranty`, { method: 'PATCH', body: { status: status === 'rule' ? null : status, reason } }));
    } catch (err) {
      setError(errorText(t, err));
    }
  };
  return (
    <form class="decide" onSubmit={submit}>
      <strong class="small">{t('units.decide.title')}</strong>
      <select name="decision" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="in">{t('units.warranty.in')}</option>
        <option value="out">{t('units.warranty.out')}</option>
        {unit.warranty.override && <option value="rule">{t('units.decide.rule')}</option>}
      </select>
      <textarea name="decision-reason" rows={2} placeholder={t('units.decide.reason')} value={reason} onInput={(e) => setReason(e.currentTarget.value)} required minLength={3} />
      <FormActions error={error} save={t('units.decide.save')} onCancel={() => onDone(null)} />
    </form>
  );
}
