import type { QuoteTimelineData } from '../quotes/quote.payloads';
import type { ReturnTimelineData } from '../returns/return.payloads';
import type { WorkOrderTimelineData } from '../workorders/workorders.payloads';

/**
 * Every kind of timeline event and the data it is stored with. The reader's language comes from
 * the type and the data: the console renders `event.<type>` of console/i18n/<lang>/timeline.json
 * with these fields (console/timeline-text.ts), so the data carries what the sentence needs (names,
 * not only ids). The English `body` stored beside it is for API clients and for events written
 * before a field existed. A leaf: imported by the server and, type-only, by the console.
 *
 * A new kind of event is one line here, one line in console/timeline-text.ts and a key in each
 * console/i18n/<lang>/timeline.json (tests/unit/console/timeline-text.test.ts checks all three).
 */
export interface TimelineEventData {
  status_changed: { from: string; to: string; by?: string };
  call_received: { callId: string; from: string | null; to: string | null; caller?: string };
  call_answered: { callId: string; agentId: string | null; agentName?: string | null; waitSec: number | null };
  call_missed: { callId: string; reason: string; waitSec: number | null; from?: string | null };
  call_abandoned: { callId: string; reason: string; waitSec: number | null; from?: string | null };
  call_ended: { callId: string; durationSec: number | null };
  voicemail: { callId: string; recordingUrl: string; durationSec: number | null };
  callback_scheduled: { callbackId: string; kind: string; dueAt: Date | string; phone: string | null };
  callback_requested: { phone: string; dueAt: Date | string; callbackId: string | null };
  callback_attempt: {
    callbackId: string;
    kind: string;
    attempt: number;
    outcome: string;
    satisfied: boolean | null;
    resolved: boolean | null;
    status: string;
    nextDueAt: Date | string | null;
    by?: string;
    note?: string | null;
  };
  callback_failed: { callbackId: string; kind: string; attempts: number; outcome: string | null; notified: string[] };
  chat_ended: Record<string, never>;
  chat_rating: { score: number; comment: string | null; at: Date | string };
  survey_offered: { surveyId: string; via: 'email' | 'chat'; round: number; to?: string | null };
  survey_skipped: { surveyId: string; reason: string };
  survey_answered: { surveyId: string; score: number; comment: string | null; round: number; agentId: string | null; lowRating: boolean };
  mail_bounced: { messageId: string | null; bounceMessageId: string | null; diagnostic: string; to?: string | null };
  /** the assignee changed: claimed (an agent took it), assigned by someone, routed by the system, or unassigned */
  assigned: { from: { id: string; name: string } | null; to: { id: string; name: string } | null; by?: string; claimed?: boolean; routed?: boolean };
  /** priority, type, team or subject changed (one event per change, listing each field as [from, to]) */
  fields_changed: { changes: Partial<Record<'priority' | 'type' | 'team' | 'subject', [string, string]>>; by?: string };
  /** an SLA warning, breach or escalation to a level (1 supervisor, 2 manager, 3 director) */
  sla_escalation: { escalationId: string; target: string; kind: 'warning' | 'breach'; level: number; dueAt: Date | string | null; reason?: string | null };
  /** a lead acknowledged an escalation */
  escalation_acknowledged: { escalationId: string; target: string; kind: string; level: number; by: string };
  /** a chat visitor proved an email address: the customer's (`verified`), or another one */
  identity_verified: { verified: boolean };
  // work orders (src/modules/workorders/workorders.effects.ts): one type per change, the same data
  'workorder.created': WorkOrderTimelineData;
  'workorder.scheduled': WorkOrderTimelineData;
  'workorder.dispatched': WorkOrderTimelineData;
  'workorder.accepted': WorkOrderTimelineData;
  'workorder.unplanned': WorkOrderTimelineData;
  'workorder.reassigned': WorkOrderTimelineData;
  'workorder.rescheduled': WorkOrderTimelineData;
  'workorder.updated': WorkOrderTimelineData;
  'workorder.accept': WorkOrderTimelineData;
  'workorder.reject': WorkOrderTimelineData;
  'workorder.depart': WorkOrderTimelineData;
  'workorder.arrive': WorkOrderTimelineData;
  'workorder.complete': WorkOrderTimelineData;
  'workorder.cannot_complete': WorkOrderTimelineData;
  'workorder.cancel': WorkOrderTimelineData;
  'workorder.report': WorkOrderTimelineData;
  'workorder.report_corrected': WorkOrderTimelineData;
  'workorder.paid': WorkOrderTimelineData;
  // quotes and payment (src/modules/quotes/quote.service.ts): sent, answered, paid, expired
  quote_sent: QuoteTimelineData;
  quote_accepted: QuoteTimelineData;
  quote_declined: QuoteTimelineData;
  quote_paid: QuoteTimelineData;
  quote_expired: QuoteTimelineData;
  // returns and exchanges (src/modules/returns/return.effects.ts): one type per step
  return_requested: ReturnTimelineData;
  return_approved: ReturnTimelineData;
  return_rejected: ReturnTimelineData;
  return_received: ReturnTimelineData;
  return_inspected: ReturnTimelineData;
  return_refunded: ReturnTimelineData;
  return_replaced: ReturnTimelineData;
  return_repaired: ReturnTimelineData;
  return_closed: ReturnTimelineData;
  /** a WeChat follower's action noted on their open ticket: subscribe, unsubscribe, a menu CLICK or VIEW, SCAN... (`key`: the menu key or link) */
  wechat_event: { event: string; key: string | null };
  /** WeChat (or our count of its allowance) refused an agent's reply: the window is shut; what else reaches the customer */
  wechat_reply_refused: { messageId: string; reason: 'window_closed' | 'window_limit'; alternatives: { kind: 'callback' | 'sms' | 'email'; phone?: string; address?: string }[] };
  /** the customer's image, voice or video could not be fetched from WeChat (expired after three days, an invalid id) */
  wechat_media_failed: { messageId: string; errcode: number; errmsg?: string };
  /** an automation rule did its actions (each action as `{type, value?, tags?, key?}`) */
  rule_applied: { ruleId: string; rule: string; event: string; actions: RuleActionSummary[] };
  rule_failed: { ruleId: string; rule: string; action: string; error: string };
  /** the loop guard: rules that would have fired again in one chain of changes, or past its depth */
  rule_loop_stopped: { rules: string[]; limit: number };
  /** an internal note written by a rule or a macro */
  rule_note: { text: string; rule?: string | null; macro?: string | null };
  macro_applied: { macroId: string; macro: string; by: string; actions: RuleActionSummary[] };
}

/** One action of a rule or macro as the timeline shows it. */
export interface RuleActionSummary {
  type: string;
  value?: string | number | boolean | null;
  tags?: string[];
  key?: string;
}

export type TimelineEventType = keyof TimelineEventData;

/** One event as stored on a message of kind `event`. */
export type TimelineEvent = { [K in TimelineEventType]: { type: K; data: TimelineEventData[K] } }[TimelineEventType];

const EVERY_TYPE: Record<TimelineEventType, true> = {
  status_changed: true,
  quote_sent: true,
  quote_accepted: true,
  quote_declined: true,
  quote_paid: true,
  quote_expired: true,
  call_received: true,
  call_answered: true,
  call_missed: true,
  call_abandoned: true,
  call_ended: true,
  voicemail: true,
  callback_scheduled: true,
  callback_requested: true,
  callback_attempt: true,
  callback_failed: true,
  chat_ended: true,
  chat_rating: true,
  survey_offered: true,
  survey_skipped: true,
  survey_answered: true,
  mail_bounced: true,
  assigned: true,
  fields_changed: true,
  sla_escalation: true,
  escalation_acknowledged: true,
  identity_verified: true,
  'workorder.created': true,
  'workorder.scheduled': true,
  'workorder.dispatched': true,
  'workorder.accepted': true,
  'workorder.unplanned': true,
  'workorder.reassigned': true,
  'workorder.rescheduled': true,
  'workorder.updated': true,
  'workorder.accept': true,
  'workorder.reject': true,
  'workorder.depart': true,
  'workorder.arrive': true,
  'workorder.complete': true,
  'workorder.cannot_complete': true,
  'workorder.cancel': true,
  'workorder.report': true,
  'workorder.report_corrected': true,
  'workorder.paid': true,
  return_requested: true,
  return_approved: true,
  return_rejected: true,
  return_received: true,
  return_inspected: true,
  return_refunded: true,
  return_replaced: true,
  return_repaired: true,
  return_closed: true,
  wechat_event: true,
  wechat_reply_refused: true,
  wechat_media_failed: true,
  rule_applied: true,
  rule_failed: true,
  rule_loop_stopped: true,
  rule_note: true,
  macro_applied: true,
};
/** Every event type (the compiler keeps the list complete), for tests and renderers that must cover them all. */
export const TIMELINE_EVENT_TYPES = Object.keys(EVERY_TYPE) as TimelineEventType[];
