import { holds, same, test as check } from '../../../../src/modules/automation/conditions';
import { substringMatcher } from '../../../../src/modules/automation/text-matcher';
import { fixedKind } from '../../../../src/modules/automation/conditions';

const ev = { matcher: substringMatcher, kindOf: fixedKind };
const facts = (values: Record<string, unknown>, changes: Record<string, [unknown, unknown]> | null = null) => ({ get: async (f: string) => values[f] ?? null, changes });

describe('rule conditions', () => {
  it('compares text without regard to case or width, and priorities by their order', async () => {
    expect(same('ＡＣ-3500', 'ac-3500')).toBe(true);
    expect(await check({ field: 'ticket.subject', op: 'contains', value: '退款' }, facts({ 'ticket.subject': '我要退款' }), ev)).toBe(true);
    expect(await check({ field: 'ticket.subject', op: 'contains', value: '退款' }, facts({ 'ticket.subject': '申请退货' }), ev)).toBe(false);
    expect(await check({ field: 'ticket.priority', op: 'greater', value: 'normal' }, facts({ 'ticket.priority': 'urgent' }), ev)).toBe(true);
    expect(await check({ field: 'ticket.priority', op: 'greater', value: 'high' }, facts({ 'ticket.priority': 'normal' }), ev)).toBe(false);
    expect(await check({ field: 'ticket.team', op: 'in', value: ['returns', 'tech'] }, facts({ 'ticket.team': 'tech' }), ev)).toBe(true);
    expect(await check({ field: 'ticket.assignee', op: 'not_set' }, facts({}), ev)).toBe(true);
  });

  it('reads changes: to, from, and tags added', async () => {
    const f = facts({}, { 'ticket.status': ['open', 'pending'], 'ticket.tags': [['a'], ['a', 'vip']] });
    expect(await check({ field: 'ticket.status', op: 'changed_to', value: 'pending' }, f, ev)).toBe(true);
    expect(await check({ field: 'ticket.status', op: 'changed_from', value: 'pending' }, f, ev)).toBe(false);
    expect(await check({ field: 'ticket.tags', op: 'changed_to', value: 'vip' }, f, ev)).toBe(true);
    expect(await check({ field: 'ticket.tags', op: 'changed_from', value: 'a' }, f, ev)).toBe(false);
    expect(await check({ field: 'ticket.priority', op: 'changed' }, f, ev)).toBe(false);
  });

  it('needs every condition of all and one of any', async () => {
    const f = facts({ 'ticket.status': 'open', 'ticket.channel': 'email' });
    const open = { field: 'ticket.status', op: 'equals' as const, value: 'open' };
    const chat = { field: 'ticket.channel', op: 'equals' as const, value: 'chat' };
    const email = { field: 'ticket.channel', op: 'equals' as const, value: 'email' };
    expect(await holds({ all: [open], any: [chat, email] }, f, ev)).toBe(true);
    expect(await holds({ all: [open], any: [chat] }, f, ev)).toBe(false);
    expect(await holds({ all: [open, chat], any: [] }, f, ev)).toBe(false);
  });
});
