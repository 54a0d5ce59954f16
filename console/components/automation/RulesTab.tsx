import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { useT } from '../../i18n';
import type { RulePayload } from '../../../src/modules/automation/automation.payloads';
import type { EditorData } from './editor-data';
import { emptyRule, RuleEditor, type RuleDraft } from './RuleEditor';

/** The rules in order, switched on and off in place; one open in the editor. */
export function RulesTab({ data }: { data: EditorData }) {
  const { t } = useT();
  const [rules, setRules] = useState<RulePayload[] | null>(null);
  const [editing, setEditing] = useState<RuleDraft | null>(null);
  const load = () => api<{ rules: RulePayload[] }>('/api/automations').then((r) => setRules(r.rules));
  useEffect(() => void load(), []);
  const toggle = async (r: RulePayload) => {
    await api(`/api/automations/${r.id}`, { method: 'PUT', body: { name: r.name, active: !r.active, on: r.on, conditions: r.conditions, actions: r.actions, order: r.order } });
    await load();
  };
  if (editing) return <RuleEditor rule={editing} data={data} onCancel={() => setEditing(null)} onSaved={() => (setEditing(null), void load())} />;
  return (
    <section class="rules-tab">
      <div class="row"><button class="primary" onClick={() => setEditing(emptyRule())}>{t('rules.new')}</button></div>
      {rules === null ? <p class="muted">{t('auto.loading')}</p> : rules.length === 0 ? <p class="muted">{t('rules.empty')}</p> : (
        <table class="report-table rules">
          <thead><tr><th>{t('auto.order')}</th><th>{t('auto.name')}</th><th>{t('rules.col.event')}</th><th>{t('rules.col.actions')}</th><th>{t('auto.active')}</th><th /></tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr data-rule={r.id}>
                <td>{r.order}</td>
                <td>{r.name}</td>
                <td>{t(`rules.event.${r.on}`)}</td>
                <td>{r.actions.map((a) => t(`act.type.${a.type}`)).join(', ')}</td>
                <td><input type="checkbox" aria-label={t('auto.active')} checked={r.active} onChange={() => void toggle(r)} /></td>
                <td>
                  <button class="link" onClick={() => setEditing({ ...r })}>{t('auto.edit')}</button>{' '}
                  <button class="link" onClick={() => void api(`/api/automations/${r.id}`, { method: 'DELETE' }).then(load)}>{t('auto.delete')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
