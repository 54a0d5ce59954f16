import { useT } from '../../i18n';
import type { ActionPayload } from '../../../src/modules/automation/automation.payloads';
import { PRIORITIES, STATUSES, TYPES } from '../../../src/modules/tickets/ticket.types';
import { type EditorData, type Issues, issueAt } from './editor-data';
import { ValueInput } from './ValueInput';
import { optionLabels } from './ConditionsEditor';

/** A new action of a type, with the first sensible value. */
function blank(type: string, data: EditorData): ActionPayload {
  switch (type) {
    case 'set_status':
      return { type, value: 'pending' };
    case 'set_priority':
      return { type, value: 'high' };
    case 'set_type':
      return { type, value: 'fault' };
    case 'set_team':
      return { type, value: data.teams[0]?.key ?? '' };
    case 'set_assignee':
      return { type, value: null };
    case 'set_field':
      return { type, key: data.fields.find((f) => f.appliesTo === 'ticket')?.key ?? '', value: null };
    case 'add_tags':
    case 'remove_tags':
      return { type, tags: [] };
    case 'note':
      return { type, text: '' };
    case 'reply':
      return { type, template: {} };
    case 'callback':
      return { type };
    default:
      return { type, webhookId: data.webhooks[0]?.id ?? '' };
  }
}

/** The actions of a rule or macro, each picked from a list with its own inputs. */
export function ActionsEditor(p: { list: ActionPayload[]; macro?: boolean; data: EditorData; issues: Issues; onChange: (list: ActionPayload[]) => void }) {
  const { t, locale } = useT();
  const types = p.macro ? p.data.vocabulary.macroActions : p.data.vocabulary.actions;
  const set = (i: number, a: ActionPayload) => p.onChange(p.list.map((x, j) => (j === i ? a : x)));
  return (
    <fieldset class="actions-editor">
      <legend>{t('rules.actions')}</legend>
      {p.list.map((a, i) => {
        const issue = issueAt(p.issues, `actions.${i}`);
        const template = (a.template ?? {}) as { en?: string; 'zh-CN'?: string };
        const field = p.data.fields.find((f) => f.key === a.key);
        return (
          <div class="row action" data-row={i}>
            <select name="action" aria-label={t('rules.actions')} value={a.type} onChange={(e) => set(i, blank(e.currentTarget.value, p.data))}>
              {types.map((x) => <option value={x}>{t(`act.type.${x}`)}</option>)}
            </select>
            {a.type === 'set_status' && <ValueInput name="action-value" kind="enum" field="ticket.status" values={STATUSES} value={a.value} data={p.data} onChange={(v) => set(i, { ...a, value: v })} />}
            {a.type === 'set_priority' && <ValueInput name="action-value" kind="enum" field="ticket.priority" values={PRIORITIES} value={a.value} data={p.data} onChange={(v) => set(i, { ...a, value: v })} />}
            {a.type === 'set_type' && <ValueInput name="action-value" kind="enum" field="ticket.type" values={TYPES} value={a.value} data={p.data} onChange={(v) => set(i, { ...a, value: v })} />}
            {a.type === 'set_team' && <ValueInput name="action-value" kind="team" field="ticket.team" value={a.value} data={p.data} onChange={(v) => set(i, { ...a, value: v })} />}
            {a.type === 'set_assignee' && <ValueInput name="action-value" kind="agent" field="ticket.assignee" value={a.value} data={p.data} allowNobody allowMe={p.macro} onChange={(v) => set(i, { ...a, value: v })} />}
            {a.type === 'set_field' && (
              <>
                <select name="field-key" aria-label={t('fields.key')} value={String(a.key ?? '')} onChange={(e) => set(i, { ...a, key: e.currentTarget.value, value: null })}>
                  {p.data.fields.filter((f) => f.appliesTo === 'ticket' && f.active).map((f) => <option value={f.key}>{locale === 'zh-CN' ? f.label['zh-CN'] : f.label.en}</option>)}
                </select>
                {field && <ValueInput name="action-value" kind={field.type === 'select' ? 'enum' : field.type === 'checkbox' ? 'boolean' : field.type} field={`fields.${field.key}`} values={field.options.map((o) => o.value)} labels={optionLabels(p.data, `fields.${field.key}`, locale)} value={a.value} data={p.data} onChange={(v) => set(i, { ...a, value: v })} />}
              </>
            )}
            {(a.type === 'add_tags' || a.type === 'remove_tags') && <ValueInput name="tags" kind="text" many field="ticket.tags" value={a.tags} data={p.data} onChange={(v) => set(i, { ...a, tags: v })} />}
            {a.type === 'note' && <textarea name="note" aria-label={t('act.note')} rows={2} value={String(a.text ?? '')} onInput={(e) => set(i, { ...a, text: e.currentTarget.value })} />}
            {a.type === 'reply' && (
              <div class="templates">
                <textarea name="reply-en" aria-label={t('act.replyEn')} placeholder={t('act.replyEn')} rows={3} value={template.en ?? ''} onInput={(e) => set(i, { ...a, template: { ...template, en: e.currentTarget.value || undefined } })} />
                <textarea name="reply-zh" aria-label={t('act.replyZh')} placeholder={t('act.replyZh')} rows={3} value={template['zh-CN'] ?? ''} onInput={(e) => set(i, { ...a, template: { ...template, 'zh-CN': e.currentTarget.value || undefined } })} />
                <span class="muted small">{t('act.placeholders')}</span>
              </div>
            )}
            {a.type === 'callback' && (
              <>
                <input type="number" min="0" step="any" name="in-hours" aria-label={t('act.inHours')} placeholder={t('act.inHours')} value={a.inHours === undefined ? '' : String(a.inHours)} onInput={(e) => set(i, { ...a, inHours: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })} />
                <input type="text" name="callback-note" aria-label={t('act.note')} placeholder={t('act.note')} value={String(a.note ?? '')} onInput={(e) => set(i, { ...a, note: e.currentTarget.value || undefined })} />
              </>
            )}
            {a.type === 'webhook' && (
              <select name="webhook" aria-label={t('act.type.webhook')} value={String(a.webhookId ?? '')} onChange={(e) => set(i, { ...a, webhookId: e.currentTarget.value })}>
                {p.data.webhooks.map((w) => <option value={w.id}>{w.description || w.url}</option>)}
              </select>
            )}
            <button type="button" class="link" onClick={() => p.onChange(p.list.filter((_, j) => j !== i))}>{t('auto.remove')}</button>
            {issue && <span class="error field-issue" role="alert">{issue}</span>}
          </div>
        );
      })}
      <button type="button" class="add-action" onClick={() => p.onChange([...p.list, blank(types[0], p.data)])}>{t('rules.addAction')}</button>
    </fieldset>
  );
}
