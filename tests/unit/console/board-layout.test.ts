import { axisOf, instantAt, moved, overlapping, place, shownSpans, withinHours } from '../../../console/components/workorders/board-layout';

describe('dispatch board layout', () => {
  const axis = axisOf('2031-03-02T16:00:00.000Z', '2031-03-03T16:00:00.000Z'); // a Shanghai day: 06:00–22:00 shown
  it('places windows on the 06:00–22:00 axis and snaps drops to a quarter hour', () => {
    expect(axis).toEqual({ start: Date.parse('2031-03-02T22:00:00Z'), end: Date.parse('2031-03-03T14:00:00Z') });
    expect(place({ start: '2031-03-03T02:00:00Z', end: '2031-03-03T04:00:00Z' }, axis)).toEqual({ left: 25, width: 12.5 }); // 10:00–12:00
    expect(place({ start: '2031-03-02T18:00:00Z', end: '2031-03-02T19:00:00Z' }, axis).left).toBe(0); // before 06:00: clamped
    expect(new Date(instantAt(0.5, axis)).toISOString()).toBe('2031-03-03T06:00:00.000Z'); // 14:00
    expect(new Date(instantAt(0.5 + 7 / (16 * 60), axis)).toISOString()).toBe('2031-03-03T06:00:00.000Z'); // 14:07 → 14:00
    expect(new Date(instantAt(0.5 + 8 / (16 * 60), axis)).toISOString()).toBe('2031-03-03T06:15:00.000Z');
    expect(moved({ start: '2031-03-03T02:00:00Z', end: '2031-03-03T03:30:00Z' }, Date.parse('2031-03-03T06:00:00Z'))).toEqual({ start: '2031-03-03T06:00:00.000Z', end: '2031-03-03T07:30:00.000Z' });
    expect(moved(null, Date.parse('2031-03-03T06:00:00Z')).end).toBe('2031-03-03T08:00:00.000Z');
  });
  it('widens the axis to an emergency late at night and to early business hours, in whole hours within the day', () => {
    const day = ['2031-03-02T16:00:00.000Z', '2031-03-03T16:00:00.000Z'] as const; // Shanghai, 3 March
    // 09:00–18:00 business hours and a 10:00 visit: the usual 06:00–22:00
    const usual = axisOf(...day, shownSpans([{ start: '2031-03-03T01:00:00Z', end: '2031-03-03T10:00:00Z' }], [{ start: '2031-03-03T02:00:00Z', end: '2031-03-03T03:00:00Z' }, null]));
    expect(usual).toEqual(axis);
    // an emergency 22:30–23:40 local: shown up to 24:00, not clamped to 22:00
    const late = axisOf(...day, shownSpans([], [{ start: '2031-03-03T14:30:00Z', end: '2031-03-03T15:40:00Z' }]));
    expect(late).toEqual({ start: Date.parse('2031-03-02T22:00:00Z'), end: Date.parse('2031-03-03T16:00:00Z') });
    expect(place({ start: '2031-03-03T14:30:00Z', end: '2031-03-03T15:40:00Z' }, late).left).toBeGreaterThan(90);
    // a service point that opens at 05:30: from 04:00 (an hour before, whole hours)
    const early = axisOf(...day, shownSpans([{ start: '2031-03-02T21:30:00Z', end: '2031-03-03T04:00:00Z' }], []));
    expect(early.start).toBe(Date.parse('2031-03-02T20:00:00Z'));
    expect(early.end).toBe(Date.parse('2031-03-03T14:00:00Z'));
  });
  it('finds overlapping windows and windows outside business hours', () => {
    const w = (id: string, s: string, e: string) => ({ id, window: { start: `2031-03-03T${s}:00Z`, end: `2031-03-03T${e}:00Z` } });
    expect([...overlapping([w('a', '02:00', '04:00'), w('b', '03:00', '05:00'), w('c', '05:00', '06:00'), { id: 'd', window: null }])].sort()).toEqual(['a', 'b']); // c starts as b ends
    const hours = [{ start: '2031-03-03T01:00:00Z', end: '2031-03-03T04:00:00Z' }, { start: '2031-03-03T05:30:00Z', end: '2031-03-03T10:00:00Z' }];
    expect(withinHours(w('x', '02:00', '04:00').window, hours)).toBe(true);
    expect(withinHours(w('x', '03:00', '05:00').window, hours)).toBe(false); // into the lunch break
    expect(withinHours(w('x', '10:00', '11:00').window, hours)).toBe(false); // after 18:00
  });
});
