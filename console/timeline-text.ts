/**
 * A timeline event in the reader's language, from its type and data (src/modules/tickets/timeline.events.ts):
 * `event.<type>` of console/i18n/<lang>/timeline.json with the data's fields filled in, values that
 * are vocabulary (a status, a priority, a team) translated too. An event the console does not
 * know (written by a newer server) falls back to its stored English body.
 *
 * A new kind of event: a line in `RENDER` below and its keys in both timeline.json files
 * (tests/unit/console/timeline-text.test.ts checks every type of the server's list is here).
 */
import type { TimelineEventData, TimelineEventType } from '../src/modules/tickets/timeline.events';
import { duration, type Locale, type T } from './i18n/translate';

export interface EventContext {
  t: T;
  locale: Locale;
  /** a team key → its name in the reader's language */
  team: (key: string) => string;
}

type Render<K extends TimelineEventType> = (d: TimelineEventData[K], c: EventContext) => string;

const time = (at: Date | string | null | undefined, locale: Locale) =>
  at ? new Date(at).toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) : '';
const secs = (s: number | null | undefined, c: EventContext) => (s === null || s === undefined ? '' : duration(s, c.locale));
const by = (name: string | undefined, c: EventContext) => name || c.t('event.someone');
const target = (name: string, c: EventContext) => c.t(`target.${name}`);

/** Each field change as "priority: normal → high", values in the reader's language. */
function fieldChanges(d: TimelineEventData['fields_changed'], c: EventContext): string {
  const value = (field: string, v: string) => (field === 'team' ? c.team(v) : field === 'subject' ? v : c.t(`${field}.${v}`));
  return Object.entries(d.changes)
    .map(([field, pair]) => c.t('event.fieldChange', { field: c.t(`ticket.${field}`), from: value(field, pair![0]), to: value(field, pair![1]) }))
    .join(c.t('event.listSeparator'));
}

const RENDER: { [K in TimelineEventType]: Render<K> } = {
  status_changed: (d, c) => c.t('event.status_changed', { by: by(d.by, c), from: c.t(`status.${d.from}`), to: c.t(`status.${d.to}`) }),
  assigned: (d, c) =>
    d.claimed
      ? c.t('event.assigned.claimed', { by: by(d.by, c) })
      : d.routed && d.to
        ? c.t('event.assigned.routed', { to: d.to.name })
        : d.to
          ? c.t('event.assigned.to', { by: by(d.by, c), to: d.to.name })
          : c.t('event.assigned.none', { by: by(d.by, c) }),
  fields_changed: (d, c) => c.t('event.fields_changed', { by: by(d.by, c), changes: fieldChanges(d, c) }),
  sla_escalation: (d, c) =>
    d.kind === 'warning' && !d.level
      ? c.t('event.sla_escalation.warning', { target: target(d.target, c), due: time(d.dueAt, c.locale) })
      : d.kind === 'warning'
        ? c.t('event.sla_escalation.alert', { target: target(d.target, c), level: c.t(`esc.levelName.${d.level}`) })
        : c.t('event.sla_escalation.breach', { target: target(d.target, c), level: c.t(`esc.levelName.${d.level}`) }),
  escalation_acknowledged: (d, c) => c.t('event.escalation_acknowledged', { by: d.by, target: target(d.target, c) }),
  call_received: (d, c) => c.t('event.call_received', { from: d.caller || d.from || c.t('event.unknownCaller') }),
  call_answered: (d, c) => c.t(d.waitSec ? 'event.call_answered.wait' : 'event.call_answered', { agent: d.agentName || c.t('event.someone'), wait: secs(d.waitSec, c) }),
  call_missed: (d, c) => c.t('event.call_missed', { reason: c.t(`event.missReason.${d.reason}`) }),
  call_abandoned: (d, c) => c.t('event.call_abandoned', { wait: secs(d.waitSec, c) }),
  call_ended: (d, c) => c.t('event.call_ended', { duration: secs(d.durationSec, c) }),
  voicemail: (d, c) => c.t('event.voicemail', { duration: secs(d.durationSec, c) }),
  callback_scheduled: (d, c) => c.t('event.callback_scheduled', { kind: c.t(`kind.${d.kind}`), due: time(d.dueAt, c.locale) }),
  callback_requested: (d, c) => c.t('event.callback_requested', { phone: d.phone, due: time(d.dueAt, c.locale) }),
  callback_attempt: (d, c) => {
    const outcome = c.t(`callbacks.outcome.${d.outcome}`);
    const extra = [d.satisfied === true ? c.t('callbacks.satisfied') : d.satisfied === false ? c.t('callbacks.unsatisfied') : '', d.resolved === false ? c.t('callbacks.notSolved') : d.resolved === true ? c.t('callbacks.solved') : ''].filter(Boolean).join(c.t('event.listSeparator'));
    return c.t('event.callback_attempt', { by: by(d.by, c), attempt: d.attempt, outcome: extra ? c.t('event.withDetail', { main: outcome, detail: extra }) : outcome, note: d.note ? ` — ${d.note}` : '' });
  },
  callback_failed: (d, c) => c.t('event.callback_failed', { kind: c.t(`kind.${d.kind}`), attempts: d.attempts }),
  chat_ended: (_d, c) => c.t('event.chat_ended'),
  chat_rating: (d, c) => c.t('event.chat_rating', { score: d.score, comment: d.comment ? ` — ${d.comment}` : '' }),
  survey_offered: (d, c) => c.t(d.via === 'chat' ? 'event.survey_offered.chat' : 'event.survey_offered.email', { to: d.to ?? '' }),
  survey_skipped: (_d, c) => c.t('event.survey_skipped'),
  survey_answered: (d, c) => c.t(d.lowRating ? 'event.survey_answered.low' : 'event.survey_answered', { score: d.score, comment: d.comment ? ` — ${d.comment}` : '' }),
  mail_bounced: (d, c) => c.t('event.mail_bounced', { to: d.to ?? '', diagnostic: d.diagnostic }),
};

/** Every type the console renders (the unit test compares it with the server's list). */
export const RENDERED_TYPES = Object.keys(RENDER) as TimelineEventType[];

export function eventText(event: { type: string; data: unknown } | null, body: string, c: EventContext): string {
  const render = event && (RENDER as Record<string, Render<TimelineEventType> | undefined>)[event.type];
  if (!render) return body;
  try {
    return render((event.data ?? {}) as never, c);
  } catch {
    return body; // data written before a field existed
  }
}
