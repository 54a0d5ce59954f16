import { translator } from '../../../console/i18n/translate';
import { eventText, RENDERED_EVENT_TYPES } from '../../../console/timeline-text';
import { TIMELINE_EVENT_TYPES } from '../../../src/modules/tickets/timeline.events';
import { buildTimelineEvents } from '../../builders/timeline-events';

const CJK = /[\u4e00-\u9fff]/;
const RAW_KEY = /\b(event|status|kind|reason|outcome|priority|type|target|esc|ticket)\.[a-zA-Z_-]+/;

describe('timeline events in the reader\'s language', () => {
  it('renders every kind of event the server writes', () => {
    expect([...RENDERED_EVENT_TYPES].sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
    expect(buildTimelineEvents().map((e) => e.event.type).sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
  });

  it.each(buildTimelineEvents().map((e) => [e.event.type, e] as const))('%s reads in Chinese and in English', (_type, { event, body }) => {
    const zh = eventText(event, body, translator('zh-CN'), 'zh-CN');
    expect(zh).toMatch(CJK);
    expect(zh).not.toBe(body);
    expect(zh).not.toMatch(RAW_KEY);
    const en = eventText(event, body, translator('en'), 'en');
    expect(en).not.toMatch(RAW_KEY);
    expect(en.length).toBeGreaterThan(5);
  });

  it('translates the values inside the sentence: statuses, reasons, outcomes, callback kinds', () => {
    const t = translator('zh-CN');
    expect(eventText({ type: 'status_changed', data: { from: 'open', to: 'solved', by: '李娜' } }, 'x', t, 'zh-CN')).toBe('李娜 将状态从「处理中」改为「已解决」');
    expect(eventText({ type: 'call_missed', data: { callId: 'c', reason: 'busy', waitSec: 3, from: null } }, 'x', t, 'zh-CN')).toBe('未接来电：未知号码（占线）');
    expect(eventText({ type: 'call_ended', data: { callId: 'c', durationSec: 185 } }, 'x', t, 'zh-CN')).toBe('通话结束，时长 3 分钟');
  });

  it('reads work orders and returns with their values translated: the reason, what was asked for, the refund in yuan', () => {
    const zh = translator('zh-CN');
    const en = translator('en');
    const byType = new Map(buildTimelineEvents().map((e) => [e.event.type, e.event] as const));
    expect(eventText(byType.get('workorder.cannot_complete')!, 'x', zh, 'zh-CN')).toBe('WO-000042 未能完成（缺少配件）');
    expect(eventText(byType.get('workorder.dispatched')!, 'x', en, 'en')).toBe('WO-000042 dispatched to Zhou Qiang (周强)');
    expect(eventText({ type: 'workorder.reassigned', data: { ...(byType.get('workorder.reassigned')!.data as object), engineer: null } } as never, 'x', en, 'en')).toBe('WO-000042 has no engineer any more');
    expect(eventText(byType.get('return_requested')!, 'x', zh, 'zh-CN')).toBe('Zhou Qiang (周强) 申请退货：DW-600 DW6-2025-004417（RT-000007）');
    expect(eventText(byType.get('return_refunded')!, 'x', en, 'en')).toBe('Zhou Qiang (周强) refunded ¥2599.00 (RT-000007)');
  });

  it('shows the stored English line for events stored before their data carried the names, and for kinds it does not know', () => {
    const t = translator('zh-CN');
    const old = { type: 'call_answered', data: { callId: 'c', agentId: '6650f1d2c0ffee0000000001', waitSec: 4 } } as const;
    expect(eventText(old, 'Call answered by Chen Jie after 4 s', t, 'zh-CN')).toBe('Call answered by Chen Jie after 4 s');
    expect(eventText({ type: 'workorder_done', data: {} } as never, 'Work order done', t, 'zh-CN')).toBe('Work order done');
    expect(eventText(null, 'plain', t, 'zh-CN')).toBe('plain');
  });

  it('writes every change compactly, values and team names in the reader\'s language', () => {
    const t = translator('zh-CN');
    const team = (k: string) => ({ support: '客户服务', tech: '技术支持' })[k] ?? k;
    expect(eventText({ type: 'fields_changed', data: { changes: { priority: ['normal', 'high'], team: ['support', 'tech'] }, by: 'Li Na' } }, '', t, 'zh-CN', team)).toBe('Li Na 修改了优先级：普通 → 高、小组：客户服务 → 技术支持');
    expect(eventText({ type: 'assigned', data: { from: null, to: { id: 'a', name: 'Chen Jie' }, by: 'Chen Jie', claimed: true } }, '', t, 'zh-CN')).toBe('Chen Jie 认领了工单');
    expect(eventText({ type: 'assigned', data: { from: { id: 'a', name: 'Chen Jie' }, to: { id: 'b', name: 'Li Na' }, by: 'Wang Min' } }, '', t, 'zh-CN')).toBe('Wang Min 将工单分配给 Li Na');
    expect(eventText({ type: 'sla_escalation', data: { escalationId: 'e', target: 'firstResponse', kind: 'breach', level: 2, dueAt: null } }, '', t, 'zh-CN')).toBe('时效超时：首次响应，已升级至经理');
    expect(eventText({ type: 'sla_escalation', data: { escalationId: 'e', target: 'firstResponse', kind: 'warning', level: 0, dueAt: null } }, '', translator('en'), 'en')).not.toMatch(/level 0|第 0 级/);
  });
});
