import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useT } from '../../i18n';
import { Time } from '../common';

interface Entry {
  id: string;
  entity: string;
  key: string;
  action: string;
  actor: { name: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}
const ENTITIES = ['sla_policy', 'calendar', 'team', 'agent', 'canned_response', 'voice', 'view'];
const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Every settings change: who, when, what, and the fields before and after. */
export function AuditLog() {
  const { t } = useT();
  const [entity, setEntity] = useState('');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (cursor: string | null) => {
    try {
      const res = await api<{ entries: Entry[]; nextCursor: string | null }>(`/api/settings/audit?limit=50${entity ? `&entity=${entity}` : ''}${cursor ? `&cursor=${cursor}` : ''}`);
      setEntries((old) => (cursor ? [...old, ...res.entries] : res.entries));
      setNext(res.nextCursor);
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  useEffect(() => void load(null), [entity]);
  return (
    <section class="settings-section" data-section="audit">
      <div class="section-head">
        <h3>{t('settings.section.audit')}</h3>
        <span class="spacer" />
        <label>{t('settings.audit.what')}
          <select name="entity" value={entity} onChange={(e) => setEntity(e.currentTarget.value)}>
            <option value="">{t('search.any')}</option>
            {ENTITIES.map((x) => <option value={x}>{t(`settings.audit.entity.${x}`)}</option>)}
          </select>
        </label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <ol class="audit-list">
        {entries.map((e) => (
          <li key={e.id} class="card" data-entity={e.entity} data-action={e.action}>
            <div class="row wrap">
              <strong translate={false}>{e.actor?.name}</strong>
              <span>{t(`settings.audit.action.${e.action}`)}</span>
              <span>{t(`settings.audit.entity.${e.entity}`)}</span>
              <span class="spacer" />
              <Time at={e.at} />
            </div>
            {e.after && typeof e.after === 'object' && (
              <dl class="changes small">
                {Object.keys({ ...(e.before ?? {}), ...e.after }).map((k) => (
                  <div key={k}>
                    <dt>{t(`settings.audit.field.${k}`) === `settings.audit.field.${k}` ? k : t(`settings.audit.field.${k}`)}</dt>
                    <dd translate={false}>{e.before && k in e.before ? <><del>{show(e.before[k])}</del> → </> : null}{show(e.after?.[k])}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
      {next && <button type="button" onClick={() => void load(next)}>{t('search.more')}</button>}
    </section>
  );
}
