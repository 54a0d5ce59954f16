import type { QuoteTimelineData } from '../../src/modules/quotes/quote.payloads';
import type { ReturnTimelineData } from '../../src/modules/returns/return.payloads';
import type { TimelineEvent, TimelineEventType } from '../../src/modules/tickets/timeline.events';
import type { WorkOrderTimelineData } from '../../src/modules/workorders/workorders.payloads';

type WorkOrderType = Extract<TimelineEventType, `workorder.${string}`>;
type ReturnEventType = Extract<TimelineEventType, `return_${string}`>;

/** A work order line as workorders.effects.ts writes it: the data, and the English body beside it. */
function workOrder<K extends WorkOrderType>(type: K, over: Partial<WorkOrderTimelineData> = {}) {
  const data: WorkOrderTimelineData = {
    workOrderId: '6650f1d2c0ffee00000000a1',
    number: 'WO-000042',
    kind: 'repair',
    status: 'dispatched',
    engineer: 'Zhou Qiang (周强)',
    window: { start: '2026-03-03T06:00:00.000Z', end: '2026-03-03T08:00:00.000Z' },
    reason: null,
    by: 'Li Na (李娜)',
    ...over,
  };
  const body = `${data.number}: ${type.replace('workorder.', '').replace(/_/g, ' ')}${data.engineer ? ` · ${data.engineer}` : ''} (${data.by})`;
  return { event: { type, data } as Extract<TimelineEvent, { type: K }>, body };
}

/** A quote's change as quote.service.ts writes it. */
function quote<K extends 'quote_sent' | 'quote_accepted' | 'quote_declined' | 'quote_paid' | 'quote_expired'>(type: K, body: string, by: string | null = null, reference: string | null = null) {
  const data: QuoteTimelineData = { quoteId: '6650f1d2c0ffee00000000c1', number: 'Q-000003', total: 36800, totalText: '¥368.00', by, reference };
  return { event: { type, data } as Extract<TimelineEvent, { type: K }>, body };
}

/** A return step as return.effects.ts writes it. */
function returnStep<K extends ReturnEventType>(type: K, body: string, over: Partial<ReturnTimelineData> = {}) {
  const data: ReturnTimelineData = { returnId: '6650f1d2c0ffee00000000b1', number: 'RT-000007', kind: 'return', model: 'DW-600', serial: 'DW6-2025-004417', by: 'Zhou Qiang (周强)', note: null, ...over };
  return { event: { type, data } as Extract<TimelineEvent, { type: K }>, body };
}

/**
 * One event of every timeline kind with complete data, and the English line the server stores
 * with it: what the renderers must turn into the reader's language.
 */
export function buildTimelineEvents(): { event: TimelineEvent; body: string }[] {
  const due = '2026-03-02T06:30:00.000Z';
  const all: { [K in TimelineEventType]: { event: Extract<TimelineEvent, { type: K }>; body: string } } = {
    status_changed: { event: { type: 'status_changed', data: { from: 'open', to: 'pending', by: 'Chen Jie (陈杰)' } }, body: 'Chen Jie (陈杰): open → pending' },
    call_received: { event: { type: 'call_received', data: { callId: 'CA1', from: '+8613800138000', to: '+864001234567', caller: '+8613800138000' } }, body: 'Incoming call from +8613800138000 to +864001234567' },
    call_answered: { event: { type: 'call_answered', data: { callId: 'CA1', agentId: '6650f1d2c0ffee0000000001', agentName: 'Chen Jie (陈杰)', waitSec: 12 } }, body: 'Call answered by Chen Jie (陈杰) after 12 s' },
    call_missed: { event: { type: 'call_missed', data: { callId: 'CA2', reason: 'no-answer', waitSec: 30, from: '+8613800138000' } }, body: 'Missed call (no-answer) from +8613800138000' },
    call_abandoned: { event: { type: 'call_abandoned', data: { callId: 'CA3', reason: 'abandoned', waitSec: 8, from: '+8613800138000' } }, body: 'Caller hung up before anyone answered (abandoned) from +8613800138000' },
    call_ended: { event: { type: 'call_ended', data: { callId: 'CA1', durationSec: 185 } }, body: 'Call ended after 185 s' },
    voicemail: { event: { type: 'voicemail', data: { callId: 'CA2', recordingUrl: 'https://api.twilio.com/rec/RE1', durationSec: 21 } }, body: 'Voicemail (21 s): https://api.twilio.com/rec/RE1' },
    callback_scheduled: { event: { type: 'callback_scheduled', data: { callbackId: 'cb1', kind: 'missed_call', dueAt: due, phone: '+8613800138000' } }, body: `Callback (missed_call) scheduled for ${due}` },
    callback_requested: { event: { type: 'callback_requested', data: { phone: '+8613800138000', dueAt: due, callbackId: 'cb2' } }, body: `Callback requested: +8613800138000 at ${due}` },
    callback_attempt: {
      event: { type: 'callback_attempt', data: { callbackId: 'cb1', kind: 'follow_up', attempt: 1, outcome: 'no_answer', satisfied: null, resolved: null, status: 'scheduled', nextDueAt: due, by: 'Chen Jie (陈杰)', note: null } },
      body: 'Chen Jie (陈杰): callback attempt 1 (no_answer)',
    },
    callback_failed: { event: { type: 'callback_failed', data: { callbackId: 'cb1', kind: 'follow_up', attempts: 3, outcome: 'no_answer', notified: [] } }, body: 'Callback (follow_up) failed after 3 attempt(s); supervisors notified' },
    chat_ended: { event: { type: 'chat_ended', data: {} }, body: 'The visitor ended the chat' },
    chat_rating: { event: { type: 'chat_rating', data: { score: 4, comment: null, at: due } }, body: 'Chat rated 4/5' },
    survey_offered: { event: { type: 'survey_offered', data: { surveyId: 's1', via: 'email', round: 1, to: 'li.lei@example.cn' } }, body: 'Satisfaction survey sent to li.lei@example.cn' },
    survey_skipped: { event: { type: 'survey_skipped', data: { surveyId: 's2', reason: 'no_contact' } }, body: 'Satisfaction survey not sent: no email address or open chat' },
    survey_answered: { event: { type: 'survey_answered', data: { surveyId: 's1', score: 2, comment: null, round: 1, agentId: null, lowRating: true } }, body: 'Satisfaction survey answered: 2/5' },
    mail_bounced: { event: { type: 'mail_bounced', data: { messageId: '<a@demo.local>', bounceMessageId: '<b@mx.example>', diagnostic: '550 5.1.1 user unknown', to: 'li.lei@example.cn' } }, body: 'Mail to li.lei@example.cn bounced: 550 5.1.1 user unknown' },
    rule_applied: { event: { type: 'rule_applied', data: { ruleId: 'r1', rule: '退款 → 退换货', event: 'ticket.created', actions: [{ type: 'set_team', value: 'returns' }, { type: 'set_priority', value: 'high' }, { type: 'add_tags', tags: ['refund'] }] } }, body: 'Rule "退款 → 退换货" applied (set_team, set_priority, add_tags)' },
    rule_failed: { event: { type: 'rule_failed', data: { ruleId: 'r1', rule: 'Solve stale', action: 'set_status', error: 'fields_required: Fill in fault_code before solving the ticket' } }, body: 'Rule "Solve stale": set_status failed: fields_required' },
    rule_loop_stopped: { event: { type: 'rule_loop_stopped', data: { rules: ['high → urgent'], limit: 5 } }, body: 'Automation stopped a loop: high → urgent would have applied again' },
    rule_note: { event: { type: 'rule_note', data: { text: 'Pending for two days: call the customer.', rule: 'Nudge', macro: null } }, body: 'Pending for two days: call the customer.' },
    macro_applied: { event: { type: 'macro_applied', data: { macroId: 'm1', macro: 'Ask for a photo', by: 'Chen Jie (陈杰)', actions: [{ type: 'reply' }, { type: 'set_status', value: 'pending' }] } }, body: 'Chen Jie (陈杰) applied the macro "Ask for a photo"' },
    identity_verified: { event: { type: 'identity_verified', data: { verified: true } }, body: 'The visitor proved the customer\'s email address' },
    assigned: { event: { type: 'assigned', data: { from: null, to: { id: '6650f1d2c0ffee0000000001', name: 'Chen Jie (陈杰)' }, by: 'Chen Jie (陈杰)', claimed: true } }, body: 'Chen Jie (陈杰) claimed the ticket' },
    fields_changed: { event: { type: 'fields_changed', data: { changes: { priority: ['normal', 'high'], type: ['inquiry', 'fault'] }, by: 'Li Na (李娜)' } }, body: 'Li Na (李娜): priority normal → high, type inquiry → fault' },
    sla_escalation: { event: { type: 'sla_escalation', data: { escalationId: 'e1', target: 'resolution', kind: 'breach', level: 2, dueAt: due, reason: null } }, body: 'SLA breach (resolution), level 2' },
    escalation_acknowledged: { event: { type: 'escalation_acknowledged', data: { escalationId: 'e1', target: 'resolution', kind: 'breach', level: 2, by: 'Li Na (李娜)' } }, body: 'Li Na (李娜) acknowledged the breach (resolution)' },
    'workorder.created': workOrder('workorder.created', { status: 'new', engineer: null, window: null }),
    'workorder.scheduled': workOrder('workorder.scheduled', { status: 'scheduled', engineer: null }),
    'workorder.dispatched': workOrder('workorder.dispatched'),
    'workorder.accepted': workOrder('workorder.accepted', { status: 'accepted' }),
    'workorder.unplanned': workOrder('workorder.unplanned', { status: 'new', engineer: null, window: null }),
    'workorder.reassigned': workOrder('workorder.reassigned', { engineer: 'Mark Evans' }),
    'workorder.rescheduled': workOrder('workorder.rescheduled'),
    'workorder.updated': workOrder('workorder.updated'),
    'workorder.accept': workOrder('workorder.accept', { status: 'accepted', by: 'Zhou Qiang (周强)' }),
    'workorder.reject': workOrder('workorder.reject', { status: 'scheduled', engineer: null, by: 'Zhou Qiang (周强)' }),
    'workorder.depart': workOrder('workorder.depart', { status: 'en_route', by: 'Zhou Qiang (周强)' }),
    'workorder.arrive': workOrder('workorder.arrive', { status: 'on_site', by: 'Zhou Qiang (周强)' }),
    'workorder.complete': workOrder('workorder.complete', { status: 'completed', by: 'Zhou Qiang (周强)' }),
    'workorder.cannot_complete': workOrder('workorder.cannot_complete', { status: 'cannot_complete', reason: 'part_missing', by: 'Zhou Qiang (周强)' }),
    'workorder.cancel': workOrder('workorder.cancel', { status: 'cancelled' }),
    'workorder.report': workOrder('workorder.report', { status: 'completed', reportVersion: 1, by: 'Zhou Qiang (周强)' }),
    'workorder.report_corrected': workOrder('workorder.report_corrected', { status: 'completed', reportVersion: 2 }),
    'workorder.paid': workOrder('workorder.paid', { status: 'new', engineer: null, window: null, by: 'Cashier' }),
    quote_sent: quote('quote_sent', 'Quote Q-000003 of ¥368.00 mailed to the customer', 'Sarah Miller'),
    quote_accepted: quote('quote_accepted', 'The customer accepted quote Q-000003 (¥368.00)'),
    quote_declined: quote('quote_declined', 'The customer declined quote Q-000003 (¥368.00)'),
    quote_paid: quote('quote_paid', 'Quote Q-000003 paid: ¥368.00, reference BANK-1', 'Wang Min (王敏)', 'BANK-1'),
    quote_expired: quote('quote_expired', 'Quote Q-000003 (¥368.00) expired unanswered'),
    return_requested: returnStep('return_requested', 'Zhou Qiang (周强) asked for a return of DW-600 DW6-2025-004417 (RT-000007)'),
    return_approved: returnStep('return_approved', 'Zhou Qiang (周强) approved RT-000007'),
    return_rejected: returnStep('return_rejected', 'Zhou Qiang (周强) rejected RT-000007'),
    return_received: returnStep('return_received', 'Zhou Qiang (周强) received the unit of RT-000007'),
    return_inspected: returnStep('return_inspected', 'Zhou Qiang (周强) inspected the unit of RT-000007'),
    return_refunded: returnStep('return_refunded', 'Zhou Qiang (周强) refunded ¥2599.00 (RT-000007)', { amount: 259900, currency: 'CNY' }),
    return_replaced: returnStep('return_replaced', 'Zhou Qiang (周强) exchanged the unit → DW6-2025-009001 (RT-000007)', { kind: 'exchange', newSerial: 'DW6-2025-009001', newUnitId: '6650f1d2c0ffee00000000b2' }),
    return_repaired: returnStep('return_repaired', 'Zhou Qiang (周强) repaired the unit (RT-000007)', { kind: 'repair' }),
    return_closed: returnStep('return_closed', 'Zhou Qiang (周强) closed RT-000007'),
    wechat_event: { event: { type: 'wechat_event', data: { event: 'CLICK', key: 'REPAIR_STATUS' } }, body: 'WeChat: CLICK REPAIR_STATUS' },
    wechat_reply_refused: {
      event: { type: 'wechat_reply_refused', data: { messageId: '6650f1d2c0ffee0000000002', reason: 'window_closed', alternatives: [{ kind: 'callback', phone: '+8613800138000' }] } },
      body: 'WeChat refused the reply (window_closed); call back, send an SMS or mail instead',
    },
    wechat_media_failed: { event: { type: 'wechat_media_failed', data: { messageId: '6650f1d2c0ffee0000000003', errcode: 40007, errmsg: 'invalid media_id' } }, body: 'WeChat media could not be fetched: invalid media_id' },
  };
  return Object.values(all);
}
