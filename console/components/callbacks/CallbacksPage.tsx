import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api';
import { errorText } from '../../errors';
import { useT } from '../../i18n';
import { useDebounced, useLive } from '../../live';
import { useRoute } from '../../router';
import { isLead, type Me } from '../../session';
import { teamName, useTeams } from '../../teams';
import { Icon, Time } from '../common';
import type { CallbackTask } from './types';

type Attempt = { outcome: 'reached' | 'no_answer' | 'wrong_number'; satisfied?: boolean; resolved?: boolean };

/** The outcome buttons of a task: a follow-up (回访) asks whether it is solved and whether the customer is satisfied. */
function outcomes(kind: CallbackTask['kind']): { key: string; attempt: Attempt; tone?: string }[] {
  const common = [
    { key: 'no_answer', attempt: { outcome: 'no_answer' as const } },
    { key: 'wrong_number', attempt: { outcome: 'wrong_number' as const }, tone: 'bad' },
  ];
  if (kind === 'follow_up' || kind === 'low_rating') {
    return [
      { key: 'satisfied', attempt: { outcome: 'reached', resolved: true, satisfied: true }, tone: 'ok' },
      { key: 'unsatisfied', attempt: { outcome: 'reached', resolved: true, satisfied: false }, tone: 'warn' },
      { key: 'notSolved', attempt: { outcome: 'reached', resolved: false }, tone: 'bad' },
      ...common,
    ];
  }
  return [{ key: 'reached', attempt: { outcome: 'reached' }, tone: 'ok' }, ...common];
}

function Task({ cb, onDone }: { cb: CallbackTask; onDone: (updated: CallbackTask) => void }) {
  const { t, locale } = useT();
  const teams = useTeams();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = cb.status === 'due' || cb.status === 'scheduled';
  const phones = [...new Set([cb.callPhone, ...(cb.customer?.phones ?? [])].filter((x): x is string => !!x))];

  async function record(a: Attempt) {
    setBusy(true);
    setError(null);
    try {
      onDone(await api<CallbackTask>(`/api/callbacks/${cb.id}/attempts`, { method: 'POST', body: { ...a, ...(note.trim() ? { note: note.trim() } : {}) } }));
      setNote('');
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class={`card task st-${cb.status} kind-${cb.kind}`} data-callback={cb.id} id={`cb-${cb.id}`}>
      <div class="row wrap">
        <Icon name="phone" />
        <strong>{t(`kind.${cb.kind}`)}</strong>
        <a href={`#/ticket/${cb.ticketNumber}`}>#{cb.ticketNumber}</a>
        <span class="subject" translate={false}>{cb.ticket?.subject ?? ''}</span>
        <span class="spacer" />
        <span class={`badge cbst-${cb.status}`}>{t(`callbacks.status.${cb.status}`)}</span>
      </div>
      <dl class="task-facts">
        <div><dt>{t('callbacks.customer')}</dt><dd translate={false}>{cb.customer?.name ?? '—'}</dd></div>
        <div><dt>{t('callbacks.phone')}</dt><dd>{phones.length ? phones.map((ph) => <a key={ph} class="tel" href={`tel:${ph.replace(/[^\d+]/g, '')}`} data-tel={ph}>{ph}</a>) : <span class="muted">{t('callbacks.noPhone')}</span>}</dd></div>
        <div><dt>{t('callbacks.due')}</dt><dd><Time at={cb.dueAt} /></dd></div>
        <div><dt>{t('ticket.team')}</dt><dd>{teamName(teams, cb.team, locale)}</dd></div>
        <div><dt>{t('callbacks.attempts')}</dt><dd data-k="attempts">{cb.attempts.length}</dd></div>
        {cb.assignee && <div><dt>{t('ticket.assignee')}</dt><dd translate={false}>{cb.assignee.name}</dd></div>}
      </dl>
      {cb.survey && (
        <p class="survey-note" data-testid="survey-comment">
          <strong>{t('callbacks.survey', { score: cb.survey.score })}</strong> {cb.survey.comment && <q translate={false}>{cb.survey.comment}</q>}
        </p>
      )}
      {cb.note && !cb.survey && <p class="muted small" translate={false}>{cb.note}</p>}
      {cb.attempts.length > 0 && (
        <ol class="attempts small">
          {cb.attempts.map((a, i) => (
            <li key={i}>
              <Time at={a.at} /> · <span translate={false}>{a.agent ?? ''}</span> · {t(`callbacks.outcome.${a.outcome}`)}
              {a.resolved === false ? ` · ${t('callbacks.notSolved')}` : ''}
              {a.satisfied === true ? ` · ${t('callbacks.satisfied')}` : a.satisfied === false ? ` · ${t('callbacks.unsatisfied')}` : ''}
              {a.note ? <span translate={false}> — {a.note}</span> : null}
            </li>
          ))}
        </ol>
      )}
      {open && (
        <div class="task-actions">
          {phones[0] && (
            <a class="button call" href={`tel:${phones[0].replace(/[^\d+]/g, '')}`}>
              <Icon name="phone" /> {t('callbacks.call')}
            </a>
          )}
          <label class="grow">
            <span class="visually-hidden">{t('callbacks.note')}</span>
            <input name="note" placeholder={t('callbacks.notePlaceholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} maxLength={4000} />
          </label>
          <div class="outcomes" role="group" aria-label={t('callbacks.outcomeLabel')}>
            {outcomes(cb.kind).map((o) => (
              <button key={o.key} type="button" class={`outcome ${o.tone ?? ''}`} data-outcome={o.key} disabled={busy} onClick={() => void record(o.attempt)}>
                {t(`callbacks.button.${o.key}`)}
              </button>
            ))}
          </div>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </li>
  );
}

/**
 * Callbacks an agent can work (回电/回访): phone (the customer's from their record when the task has
 * none), reason, due time, attempts, the survey comment of a low rating; a call button (`tel:`) and
 * the outcome of each attempt. "Not solved" on a follow-up reopens the ticket.
 */
export function CallbacksPage({ me }: { me: Me }) {
  const { t } = useT();
  const route = useRoute();
  const [scope, setScope] = useState<'mine' | 'team'>(isLead(me) ? 'team' : 'mine');
  const [state, setState] = useState<'open' | 'done'>('open');
  const [list, setList] = useState<CallbackTask[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const load = async () => {
    const mine = ++seq.current;
    try {
      const status = state === 'open' ? 'due,scheduled' : 'done,failed,cancelled';
      const res = await api<{ callbacks: CallbackTask[] }>(`/api/callbacks?status=${status}&limit=100${scope === 'mine' ? '&mine=true' : ''}`);
      if (mine !== seq.current) return; // the answer of filters left meanwhile
      setList(res.callbacks);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorText(err, t));
    }
  };
  const reload = useDebounced(() => void load(), 200);
  useEffect(() => {
    void load();
  }, [scope, state]);
  useLive('callback:due', reload);
  const focus = route.query.get('focus');
  useEffect(() => {
    if (focus && list) document.getElementById(`cb-${focus}`)?.scrollIntoView({ block: 'center' });
  }, [focus, list?.length]);

  return (
    <section class="page callbacks-page" aria-labelledby="callbacks-page-title">
      <div class="page-head">
        <h2 id="callbacks-page-title">{t('callbacks.page')}</h2>
        <span class="spacer" />
        <div class="segmented" role="group" aria-label={t('callbacks.whose')}>
          {(['mine', 'team'] as const).map((s) => (
            <button key={s} type="button" class={scope === s ? 'active' : ''} aria-pressed={scope === s} onClick={() => setScope(s)}>{t(`callbacks.scope.${s}`)}</button>
          ))}
        </div>
        <div class="segmented" role="group" aria-label={t('callbacks.which')}>
          {(['open', 'done'] as const).map((s) => (
            <button key={s} type="button" class={state === s ? 'active' : ''} aria-pressed={state === s} onClick={() => setState(s)}>{t(`callbacks.state.${s}`)}</button>
          ))}
        </div>
      </div>
      {error && <p class="error" role="alert">{t('error.generic', { message: error })}</p>}
      {list && !list.length && <p class="muted">{t('callbacks.none')}</p>}
      <ul class="tasks">
        {(list ?? []).map((cb) => (
          <Task key={cb.id} cb={cb} onDone={(u) => setList((l) => (l ?? []).map((x) => (x.id === u.id ? { ...x, ...u } : x)))} />
        ))}
      </ul>
    </section>
  );
}
