import { nextSteps, RETURN_EVENTS, RETURN_STATUSES, transition } from '../../../../src/modules/returns/return.machine';

describe('the return state machine', () => {
  it('walks requested → approved → received → inspected → outcome → closed', () => {
    const path = [['approve', 'approved'], ['receive', 'received'], ['inspect', 'inspected'], ['refund', 'refunded'], ['close', 'closed']] as const;
    let status: (typeof RETURN_STATUSES)[number] = 'requested';
    for (const [step, to] of path) {
      expect(transition(status, step, 'return')).toEqual({ ok: true, to });
      status = to;
    }
    expect(nextSteps('closed', 'return')).toEqual([]);
  });

  it('ends a rejection with close only', () => {
    expect(transition('requested', 'reject', 'exchange')).toEqual({ ok: true, to: 'rejected' });
    expect(nextSteps('rejected', 'exchange')).toEqual(['close']);
    expect(transition('rejected', 'receive', 'exchange')).toMatchObject({ ok: false, code: 'invalid_transition' });
  });

  it('refuses every step that does not follow', () => {
    const legal = new Set(['requested:approve', 'requested:reject', 'approved:receive', 'received:inspect', 'inspected:refund', 'inspected:replace', 'inspected:repair', 'rejected:close', 'refunded:close', 'replaced:close', 'repaired:close']);
    for (const s of RETURN_STATUSES) {
      for (const e of RETURN_EVENTS) {
        expect(transition(s, e, 'return').ok).toBe(legal.has(`${s}:${e}`));
      }
    }
  });

  it('lets an outcome be less than asked, never more', () => {
    expect(nextSteps('inspected', 'return')).toEqual(['refund', 'replace', 'repair']);
    expect(nextSteps('inspected', 'exchange')).toEqual(['replace', 'repair']);
    expect(nextSteps('inspected', 'repair')).toEqual(['repair']);
    expect(transition('inspected', 'refund', 'exchange')).toEqual({ ok: false, code: 'outcome_not_allowed', allowed: ['replace', 'repair'] });
    expect(transition('inspected', 'replace', 'repair')).toMatchObject({ ok: false, code: 'outcome_not_allowed' });
  });
});
