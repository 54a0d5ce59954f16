import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { useT } from '../../i18n';
import { hasRole, ROLE_SETS } from '../../../src/core/types';
import type { ActionPayload, MacroPayload } from '../../../src/modules/automation/automation.payloads';
import type { Me } from '../../session';
import { ActionsEditor } from './ActionsEditor';
import { type EditorData, type Issues, issuesOf } from './editor-data';

type Draft = { id?: string; name: string; scope: MacroPayload['scope']; team?: string; actions: ActionPayload[] };

/** Macros: yours, your teams' (leads write them) and everybody's (managers write them). */
export function MacrosTab({ me, data }: { me: Me; data: EditorData }) {
  const { t } = useT();
  const [macros, setMacros] = useState<MacroPayload[] | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [issues, setIssues] = useState<Issues>(new Map());
  const [error, setError] = useState<string | null>(null);
  const load = () => api<{ macros: MacroPayload[] }>('/api/macros').then((r) => setMacros(r.macros));
  useEffect(() => void load(), []);
  const scopes: MacroPayload['scope'][] = ['personal', ...(hasRole(me.role, ROLE_SETS.leads) ? (['team'] as const) : []), ...(hasRole(me.role, ROLE_SETS.managers) ? (['global'] as const) : [])];

  async function save(d: Draft) {
    setError(null);
    setIssues(new Map());
    try {
      const body = { name: d.name, scope: d.scope, ...(d.scope === 'team' ? { team: d.team ?? me.teams[0] } : {}), actions: d.actions };
      await api(d.id ? `/api/macros/${d.id}` : '/api/macros', { method: d.id ? 'PUT' : 'POST', body });
      setDraft(null);
      await load();
    } catch (err) {
      if (err instanceof ApiError) setIssues(issuesOf(err.details));
      setError((err as Error).message);
    }
  }

  if (draft) {
    return (
      <form class="card macro-editor" onSubmit={(e) => (e.preventDefault(), void save(draft))}>
        <div class="row">
          <label>{t('auto.name')} <input name="name" required value={draft.name} onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })} /></label>
          <label>{t('macros.scope')}
            <select name="scope" value={draft.scope} onChange={(e) => setDraft({ ...draft, scope: e.currentTarget.value as Draft['scope'] })}>
              {scopes.map((s) => <option value={s}>{t(`macros.scope.${s}`)}</option>)}
            </select>
          </label>
          {draft.scope === 'team' && (
            <select name="team" aria-label={t('ticket.team')} value={draft.team ?? me.teams[0]} onChange={(e) => setDraft({ ...draft, team: e.currentTarget.value })}>
              {data.teams.filter((x) => hasRole(me.role, ROLE_SETS.allTeams) || me.teams.includes(x.key)).map((x) => <option value={x.key}>{x.name}</option>)}
            </select>
          )}
        </div>
        <ActionsEditor macro list={draft.actions} data={data} issues={issues} onChange={(actions) => setDraft({ ...draft, actions })} />
        {error && <p class="error" role="alert">{error}</p>}
        <div class="row buttons"><span class="spacer" /><button type="button" onClick={() => setDraft(null)}>{t('auto.cancel')}</button><button type="submit" class="primary">{t('auto.save')}</button></div>
      </form>
    );
  }
  return (
    <section class="macros-tab">
      <div class="row"><button class="primary" onClick={() => setDraft({ name: '', scope: 'personal', actions: [] })}>{t('macros.new')}</button></div>
      {macros === null ? <p class="muted">{t('auto.loading')}</p> : macros.length === 0 ? <p class="muted">{t('auto.none')}</p> : (
        <table class="report-table">
          <thead><tr><th>{t('auto.name')}</th><th>{t('macros.scope')}</th><th>{t('rules.col.actions')}</th><th /></tr></thead>
          <tbody>
            {macros.map((m) => (
              <tr>
                <td>{m.name}</td>
                <td>{t(`macros.scope.${m.scope}`)}{m.team ? ` · ${m.team}` : ''}</td>
                <td>{m.actions.map((a) => t(`act.type.${a.type}`)).join(', ')}</td>
                <td>
                  <button class="link" onClick={() => setDraft({ id: m.id, name: m.name, scope: m.scope, team: m.team ?? undefined, actions: m.actions })}>{t('auto.edit')}</button>{' '}
                  <button class="link" onClick={() => void api(`/api/macros/${m.id}`, { method: 'DELETE' }).then(load).catch((e: Error) => setError(e.message))}>{t('auto.delete')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <p class="error">{error}</p>}
    </section>
  );
}
