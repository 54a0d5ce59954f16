import type { ReturnTimelineData } from '../src/modules/returns/return.payloads';
import type { RuleActionSummary, TimelineEvent, TimelineEventData, TimelineEventType } from '../src/modules/tickets/timeline.events';
import type { WorkOrderTimelineData } from '../src/modules/workorders/workorders.payloads';
import { duration, type Locale, type T, yuan } from './i18n/translate';

type Vars = Record<string, string | number>;
/** A sentence: its key in console/i18n/<lang>/timeline.json and its values; null when the stored data lacks what it needs. */
type Sentence = [key: string, vars: Vars] | null;
type Render<K extends TimelineEventType> = (d: TimelineEventData[K], h: Helpers) => Sentence;

interface Helpers {
  t: T;
  /** a team key → its name in the reader's language (the key when it is not known) */
  team(key: string): string;
  /** "5 min", "2 h 10 min" in the reader's language */
  span(sec: number | null | undefined): string;
  /** a date and time in the reader's language */
  at(d: Date | string | null | undefined): string;
}

/** A translated word when the console has one (`<prefix>.<value>`), else the value as stored. */
const word = (t: T, prefix: string, value: string | null | undefined): string => {
  if (!value) return '';
  const text = t(`${prefix}.${value}`);
  return text === `${prefix}.${value}` ? value : text;
};

/** A work order line: its number, the engineer (or who acted, for lines without one), who acted, the reason, the report's version. */
const workOrder =
  (type: string) =>
  (d: WorkOrderTimelineData, { t }: Helpers): Sentence => [
    `event.${type}`,
    { number: d.number, engineer: d.engineer ?? d.by, by: d.by, reason: word(t, 'wo.reason', d.reason), reportVersion: d.reportVersion ?? 1 },
  ];

/** A step of a return, exchange or repair: who, which return, what was asked for, the refund or the new unit. */
const returnStep =
  (type: string) =>
  (d: ReturnTimelineData, { t }: Helpers): Sentence => [
    `event.${type}`,
    { by: d.by, number: d.number, kind: word(t, 'returns.kind', d.kind).toLowerCase(), model: d.model, serial: d.serial, amount: d.amount != null ? yuan(d.amount) : '', newSerial: d.newSerial ?? '' },
  ];

/**
 * How each kind of timeline event reads: a key and values from its stored data (the types in
 * src/modules/tickets/timeline.events.ts). The compiler requires one line per event type.
 */
const SENTENCES: { [K in TimelineEventType]: Render<K> } = {
  status_changed: (d, { t }) => [d.by ? 'event.status_changed' : 'event.status_changed.nobody', { by: d.by ?? '', from: t(`status.${d.from}`), to: t(`status.${d.to}`) }],
  call_received: (d) => {
    const caller = d.caller ?? d.from;
    if (!caller) return null;
    return [d.to ? 'event.call_received.to' : 'event.call_received', { caller, to: d.to ?? '' }];
  },
  call_answered: (d, { span }) => {
    if (d.agentId && !d.agentName) return null; // written before the name was kept
    return [d.agentName ? 'event.call_answered' : 'event.call_answered.nobody', { agent: d.agentName ?? '', wait: span(d.waitSec) }];
  },
  call_missed: (d, { t }) => (d.from === undefined ? null : ['event.call_missed', { from: d.from ?? t('event.unknownNumber'), reason: t(`reason.${d.reason}`) }]),
  call_abandoned: (d, { t }) => (d.from === undefined ? null : ['event.call_abandoned', { from: d.from ?? t('event.unknownNumber'), reason: t(`reason.${d.reason}`) }]),
  call_ended: (d, { span }) => ['event.call_ended', { duration: span(d.durationSec) }],
  voicemail: (d, { span }) => ['event.voicemail', { duration: span(d.durationSec), url: d.recordingUrl }],
  callback_scheduled: (d, { t, at }) => ['event.callback_scheduled', { kind: t(`kind.${d.kind}`), due: at(d.dueAt) }],
  callback_requested: (d, { at }) => ['event.callback_requested', { phone: d.phone, due: at(d.dueAt) }],
  callback_attempt: (d, { t }) => {
    if (!d.by) return null;
    // a follow-up's answer goes with the outcome: solved or not, satisfied or not
    const answer = [d.resolved === false ? t('callbacks.notSolved') : d.resolved === true ? t('callbacks.solved') : '', d.satisfied === true ? t('callbacks.satisfied') : d.satisfied === false ? t('callbacks.unsatisfied') : ''].filter(Boolean).join(t('event.listSeparator'));
    const outcome = answer ? t('event.withDetail', { main: t(`outcome.${d.outcome}`), detail: answer }) : t(`outcome.${d.outcome}`);
    return [d.note ? 'event.callback_attempt.note' : 'event.callback_attempt', { by: d.by, attempt: d.attempt, outcome, note: d.note ?? '' }];
  },
  callback_failed: (d, { t }) => ['event.callback_failed', { kind: t(`kind.${d.kind}`), attempts: d.attempts }],
  chat_ended: () => ['event.chat_ended', {}],
  chat_rating: (d) => [d.comment ? 'event.chat_rating.comment' : 'event.chat_rating', { score: d.score, comment: d.comment ?? '' }],
  survey_offered: (d) => (d.via === 'chat' ? ['event.survey_offered.chat', {}] : d.to ? ['event.survey_offered.email', { to: d.to }] : null),
  survey_skipped: () => ['event.survey_skipped', {}],
  survey_answered: (d) => [d.comment ? 'event.survey_answered.comment' : 'event.survey_answered', { score: d.score, comment: d.comment ?? '' }],
  mail_bounced: (d, { t }) => (d.to === undefined ? null : ['event.mail_bounced', { to: d.to ?? t('event.theCustomer'), diagnostic: d.diagnostic }]),
  rule_applied: (d, h) => ['event.rule_applied', { rule: d.rule, actions: actionsText(d.actions, h.t) }],
  rule_failed: (d, { t }) => ['event.rule_failed', { rule: d.rule, action: d.action.split(',').map((a) => t(`action.${a}`)).join(', '), error: d.error }],
  rule_loop_stopped: (d) => ['event.rule_loop_stopped', { rules: d.rules.map((r) => `“${r}”`).join(', '), limit: d.limit }],
  rule_note: (d) => [d.rule || d.macro ? 'event.rule_note' : 'event.rule_note.plain', { by: d.rule ?? d.macro ?? '', text: d.text }],
  macro_applied: (d, h) => ['event.macro_applied', { by: d.by, macro: d.macro, actions: actionsText(d.actions, h.t) }],
  identity_verified: (d) => [d.verified ? 'event.identity_verified.yes' : 'event.identity_verified.no', {}],
  quote_sent: (d) => ['event.quote_sent', { number: d.number, total: d.totalText, by: d.by ?? '' }],
  quote_accepted: (d) => ['event.quote_accepted', { number: d.number, total: d.totalText }],
  quote_declined: (d) => ['event.quote_declined', { number: d.number, total: d.totalText }],
  quote_paid: (d) => ['event.quote_paid', { number: d.number, total: d.totalText, by: d.by ?? '', reference: d.reference ?? '' }],
  quote_expired: (d) => ['event.quote_expired', { number: d.number, total: d.totalText }],
  assigned: (d) =>
    d.claimed
      ? ['event.assigned.claimed', { by: d.by ?? '' }]
      : d.routed && d.to
        ? ['event.assigned.routed', { to: d.to.name }]
        : d.to
          ? [d.by ? 'event.assigned.to' : 'event.assigned.to.nobody', { by: d.by ?? '', to: d.to.name }]
          : ['event.assigned.none', { by: d.by ?? '' }],
  fields_changed: (d, h) => {
    const value = (field: string, v: string) => (field === 'team' ? h.team(v) : field === 'subject' ? v : h.t(`${field}.${v}`));
    const changes = Object.entries(d.changes).map(([field, pair]) => h.t('event.fieldChange', { field: h.t(`ticket.${field}`), from: value(field, pair![0]), to: value(field, pair![1]) }));
    if (!changes.length) return null;
    return [d.by ? 'event.fields_changed' : 'event.fields_changed.nobody', { by: d.by ?? '', changes: changes.join(h.t('event.listSeparator')) }];
  },
  sla_escalation: (d, { t, at }) =>
    d.kind === 'warning' && !d.level
      ? ['event.sla_escalation.warning', { target: t(`target.${d.target}`), due: at(d.dueAt) }]
      : [d.kind === 'warning' ? 'event.sla_escalation.alert' : 'event.sla_escalation.breach', { target: t(`target.${d.target}`), level: t(`esc.levelName.${Math.min(3, Math.max(1, d.level))}`) }],
  escalation_acknowledged: (d, { t }) => ['event.escalation_acknowledged', { by: d.by, target: t(`target.${d.target}`) }],
  'workorder.created': workOrder('workorder.created'),
  'workorder.scheduled': workOrder('workorder.scheduled'),
  'workorder.dispatched': workOrder('workorder.dispatched'),
  'workorder.accepted': workOrder('workorder.accepted'),
  'workorder.unplanned': workOrder('workorder.unplanned'),
  'workorder.reassigned': (d, h) => workOrder(d.engineer ? 'workorder.reassigned' : 'workorder.reassigned.nobody')(d, h),
  'workorder.rescheduled': workOrder('workorder.rescheduled'),
  'workorder.updated': workOrder('workorder.updated'),
  'workorder.accept': workOrder('workorder.accept'),
  'workorder.reject': workOrder('workorder.reject'),
  'workorder.depart': workOrder('workorder.depart'),
  'workorder.arrive': workOrder('workorder.arrive'),
  'workorder.complete': workOrder('workorder.complete'),
  'workorder.cannot_complete': workOrder('workorder.cannot_complete'),
  'workorder.cancel': workOrder('workorder.cancel'),
  'workorder.report': workOrder('workorder.report'),
  'workorder.report_corrected': workOrder('workorder.report_corrected'),
  'workorder.paid': workOrder('workorder.paid'),
  return_requested: returnStep('return_requested'),
  return_approved: returnStep('return_approved'),
  return_rejected: returnStep('return_rejected'),
  return_received: returnStep('return_received'),
  return_inspected: returnStep('return_inspected'),
  return_refunded: returnStep('return_refunded'),
  return_replaced: returnStep('return_replaced'),
  return_repaired: returnStep('return_repaired'),
  return_closed: returnStep('return_closed'),
  wechat_event: (d) => {
    if (WECHAT_EVENTS_WITH_KEY.has(d.event)) return d.key ? [`event.wechat_event.${d.event}`, { key: d.key }] : null;
    return WECHAT_EVENTS.has(d.event) ? [`event.wechat_event.${d.event}`, {}] : ['event.wechat_event', { event: d.event }];
  },
  wechat_reply_refused: (d) => [`event.wechat_reply_refused.${d.reason === 'window_limit' ? 'window_limit' : 'window_closed'}`, {}],
  wechat_media_failed: (d) => ['event.wechat_media_failed', { errcode: d.errcode }],
};

/** WeChat events with a sentence of their own (others read as "WeChat event: NAME"). */
const WECHAT_EVENTS = new Set(['subscribe', 'unsubscribe', 'SCAN', 'LOCATION']);
const WECHAT_EVENTS_WITH_KEY = new Set(['CLICK', 'VIEW']);

/** Every event type the console can render (tests check it covers every type the server writes). */
export const RENDERED_EVENT_TYPES = Object.keys(SENTENCES) as TimelineEventType[];

/**
 * The text of a timeline event in the reader's language, from its type and data. The stored
 * English `body` is the fallback: for an event kind this console does not know, and for events
 * stored before their data carried what the sentence needs.
 */
export function eventText(event: TimelineEvent | null, body: string, t: T, locale: Locale, team: (key: string) => string = (k) => k): string {
  if (!event) return body;
  const render = SENTENCES[event.type] as Render<TimelineEventType> | undefined;
  const fmt = locale === 'zh-CN' ? 'zh-CN' : 'en-GB';
  const helpers: Helpers = {
    t,
    team,
    span: (sec) => duration(sec ?? 0, locale),
    at: (d) => (d ? new Date(d).toLocaleString(fmt, { dateStyle: 'medium', timeStyle: 'short' }) : ''),
  };
  const sentence = render ? render(event.data as never, helpers) : null;
  return sentence ? t(sentence[0], sentence[1]) : body;
}

/** What a rule or macro did, in the reader's language: "team → returns, tags + refund". */
function actionsText(actions: RuleActionSummary[], t: T): string {
  const value = (a: RuleActionSummary) => {
    const v = a.value === null || a.value === undefined ? t('action.none') : String(a.value);
    if (a.type === 'set_status') return t(`status.${v}`);
    if (a.type === 'set_priority') return t(`priority.${v}`);
    if (a.type === 'set_type') return t(`type.${v}`);
    return v;
  };
  return actions.map((a) => t(`action.${a.type}`, { value: value(a), tags: (a.tags ?? []).join(', '), key: a.key ?? '' })).join(t('action.separator'));
}
