import type { CalendarSpec } from '../../../../src/modules/calendars/business-time';
import { capacityOf, seatKey, slotGrid } from '../../../../src/modules/appointments/slots';

const HOURS: CalendarSpec = {
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5].flatMap((day) => [{ day, from: '09:00', to: '12:00' }, { day, from: '13:30', to: '18:00' }]),
  holidays: [{ date: '2031-03-04', name: 'a holiday' }],
};
const H = 3600_000;

describe('slotGrid', () => {
  it('cuts each opening into whole slots in the team\'s time zone, skipping holidays and what has begun', () => {
    // Monday 3 and Tuesday 4 March 2031 (a holiday), Shanghai
    const slots = slotGrid(HOURS, 'Asia/Shanghai', new Date('2031-03-02T16:00:00Z'), new Date('2031-03-04T16:00:00Z'), 2 * H, new Date('2031-03-01T00:00:00Z'));
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2031-03-03T01:00:00.000Z', '2031-03-03T05:30:00.000Z', '2031-03-03T07:30:00.000Z']);
    expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 2 * H)).toBe(true);
    const later = slotGrid(HOURS, 'Asia/Shanghai', new Date('2031-03-02T16:00:00Z'), new Date('2031-03-03T16:00:00Z'), 2 * H, new Date('2031-03-03T02:00:00Z'));
    expect(later.map((s) => s.start.toISOString())).toEqual(['2031-03-03T05:30:00.000Z', '2031-03-03T07:30:00.000Z']);
  });
});

describe('capacityOf', () => {
  const slot = { start: new Date('2031-03-03T01:00:00Z'), end: new Date('2031-03-03T03:00:00Z') };
  it('counts the engineers with no other visit within the travel buffer of the slot', () => {
    expect(capacityOf(slot, ['a', 'b'], [], 30 * 60_000)).toBe(2);
    // b's visit ends 20 minutes before the slot: inside a 30-minute buffer, outside a 15-minute one
    const busy = [{ engineerId: 'b', start: new Date('2031-03-02T23:00:00Z'), end: new Date('2031-03-03T00:40:00Z') }];
    expect(capacityOf(slot, ['a', 'b'], busy, 30 * 60_000)).toBe(1);
    expect(capacityOf(slot, ['a', 'b'], busy, 15 * 60_000)).toBe(2);
  });
  it('names seats by team, slot start and number', () => {
    expect(seatKey('field', slot.start, 1)).toBe('field|2031-03-03T01:00:00.000Z|1');
  });
});
