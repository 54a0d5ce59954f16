import { nextStatus, plannedStatus, stepsFrom, WO_STATUSES, WO_STEPS, WoStatus, WoStep } from '../../../../src/modules/workorders/workorder-state';

describe('work order state machine', () => {
  const table: Record<WoStep, Partial<Record<WoStatus, WoStatus>>> = {
    accept: { dispatched: 'accepted' },
    reject: { dispatched: 'scheduled', accepted: 'scheduled' },
    depart: { accepted: 'en_route' },
    arrive: { en_route: 'on_site' },
    complete: { on_site: 'completed' },
    cannot_complete: { accepted: 'cannot_complete', en_route: 'cannot_complete', on_site: 'cannot_complete' },
    cancel: { new: 'cancelled', scheduled: 'cancelled', dispatched: 'cancelled', accepted: 'cancelled', en_route: 'cancelled', on_site: 'cancelled' },
  };

  it.each(WO_STEPS.flatMap((step) => WO_STATUSES.map((from) => [step, from] as const)))('%s from %s', (step, from) => {
    expect(nextStatus(from, step)).toBe(table[step][from] ?? null);
  });

  it('nothing follows the final states, and the phone shows the steps that follow', () => {
    for (const s of ['completed', 'cannot_complete', 'cancelled'] as const) expect(stepsFrom(s)).toEqual([]);
    expect(stepsFrom('dispatched')).toEqual(['accept', 'reject', 'cancel']);
    expect(stepsFrom('on_site')).toEqual(['complete', 'cannot_complete', 'cancel']);
  });

  it('planning: a window schedules, an engineer and a window dispatch, the accepted engineer stays accepted', () => {
    expect(plannedStatus('new', { engineer: false, window: true, sameEngineer: false })).toBe('scheduled');
    expect(plannedStatus('new', { engineer: true, window: false, sameEngineer: false })).toBe('new');
    expect(plannedStatus('scheduled', { engineer: true, window: true, sameEngineer: false })).toBe('dispatched');
    expect(plannedStatus('accepted', { engineer: true, window: true, sameEngineer: true })).toBe('accepted');
    expect(plannedStatus('accepted', { engineer: true, window: true, sameEngineer: false })).toBe('dispatched');
    expect(plannedStatus('dispatched', { engineer: false, window: true, sameEngineer: false })).toBe('scheduled');
    expect(plannedStatus('en_route', { engineer: true, window: true, sameEngineer: true })).toBeNull();
    expect(plannedStatus('completed', { engineer: true, window: true, sameEngineer: true })).toBeNull();
  });
});
