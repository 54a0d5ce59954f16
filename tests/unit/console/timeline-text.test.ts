import { catalog } from '../../../console/i18n/catalog';
import { translator } from '../../../console/i18n/translate';
import { eventText, RENDERED_TYPES } from '../../../console/timeline-text';
import { TIMELINE_EVENT_TYPES } from '../../../src/modules/tickets/timeline.events';

/** A sample of each event's data, as the server writes it. */
const SAMPLES: Record<string, unknown> = {
  status_changed: { from: 'open', to: 'solved', by: 'Chen Jie' },
  assigned: { from: null, to: { id: 'a1', name: 'Chen Jie' }, by: 'Chen Jie', claimed: true },
  fields_changed: { changes: { priority: ['normal', 'high'], team: ['support', 'tech'] }, by: 'Li Na' },
  sla_escalation: { escalationId: 'e1', target: 'firstResponse', kind: 'breach', level: 2, dueAt: '2030-01-01T00:00:00Z' },
  escalation_acknowledged: { escalationId: 'e1', target: 'resolution', kind: 'breach', level: 1, by: 'Li Na' },
  call_received: { callId: 'c', from: '+8613800000000', to: null },
  call_answered: { callId: 'c', agentId: null, agentName: 'Chen Jie', waitSec: 12 },
  call_missed: { callId: 'c', reason: 'no-answer', waitSec: 30 },
  call_abandoned: { callId: 'c', reason: 'abandoned', waitSec: 8 },
  call_ended: { callId: 'c', durationSec: 95 },
  voicemail: { callId: 'c', recordingUrl: 'https://x', durationSec: 20 },
  callback_scheduled: { callbackId: 'b', kind: 'missed_call', dueAt: '2030-01-01T00:00:00Z', phone: '+861' },
  callback_requested: { phone: '+861', dueAt: '2030-01-01T00:00:00Z', callbackId: 'b' },
  callback_attempt: { callbackId: 'b', kind: 'follow_up', attempt: 1, outcome: 'reached', satisfied: false, resolved: false, status: 'done', nextDueAt: null, by: 'Chen Jie', note: null },
  callback_failed: { callbackId: 'b', kind: 'missed_call', attempts: 3, outcome: 'no_answer', notified: [] },
  chat_ended: {},
  chat_rating: { score: 4, comment: null, at: '2030-01-01T00:00:00Z' },
  survey_offered: { surveyId: 's', via: 'email', round: 1, to: 'a@b.c' },
  survey_skipped: { surveyId: 's', reason: 'no_contact' },
  survey_answered: { surveyId: 's', score: 2, comment: 'slow', round: 1, agentId: null, lowRating: true },
  mail_bounced: { messageId: null, bounceMessageId: null, diagnostic: '550 no such user', to: 'x@y.z' },
};

describe('timeline events in the reader\'s language', () => {
  it('renders every event type the server writes', () => {
    expect([...TIMELINE_EVENT_TYPES].sort()).toEqual([...RENDERED_TYPES].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
  });

  it.each(['en', 'zh-CN'] as const)('fills every key of every event in %s (no raw key, no missing field)', (locale) => {
    const t = translator(locale);
    const ctx = { t, locale, team: (k: string) => (k === 'tech' ? (locale === 'zh-CN' ? '技术支持' : 'Technical support') : k) };
    for (const type of TIMELINE_EVENT_TYPES) {
      const text = eventText({ type, data: SAMPLES[type] }, 'STORED BODY', ctx);
      expect([type, text]).not.toEqual([type, 'STORED BODY']);
      expect([type, /\b(event|status|priority|type|target|kind|callbacks|esc|ticket)\.[a-z_A-Z.]+/.test(text)]).toEqual([type, false]);
      expect([type, /\{\w+\}/.test(text)]).toEqual([type, false]);
    }
  });

  it('writes changes compactly, vocabulary translated', () => {
    const zh = translator('zh-CN');
    const ctx = { t: zh, locale: 'zh-CN' as const, team: (k: string) => ({ support: '客户服务', tech: '技术支持' })[k] ?? k };
    expect(eventText({ type: 'fields_changed', data: SAMPLES.fields_changed }, '', ctx)).toBe('Li Na 修改了优先级：普通 → 高、小组：客户服务 → 技术支持');
    expect(eventText({ type: 'assigned', data: SAMPLES.assigned }, '', ctx)).toBe('Chen Jie 认领了工单');
    expect(eventText({ type: 'sla_escalation', data: SAMPLES.sla_escalation }, '', ctx)).toBe('时效超时：首次响应，已升级至经理');
    expect(eventText({ type: 'unknown_future_event', data: {} }, 'the stored English line', ctx)).toBe('the stored English line');
    expect(catalog['zh-CN'].some((f) => 'event.status_changed' in f)).toBe(true);
  });
});
