import { businessTimeBetween, type CalendarSpec } from '../../../../src/modules/calendars/business-time';
import { BusinessGrid } from '../../../../src/modules/reports/business-grid';

describe('the business-time grid of a report', () => {
  const office: CalendarSpec = {
    timeZone: 'Asia/Shanghai',
    weekly: [1, 2, 3, 4, 5].flatMap((day) => [{ day, from: '08:30', to: '12:00' }, { day, from: '13:30', to: '17:45' }]).concat([{ day: 6, from: '09:00', to: '12:00' }]),
    holidays: [{ date: '2030-05-01' }, { date: '2030-05-02' }],
    workdays: [{ date: '2030-05-05' }],
  };
  const direct = (a: Date, b: Date) => businessTimeBetween(office, a, b);

  it('answers exactly what the calendar answers, for any pair of instants in range', () => {
    const from = new Date('2030-04-20T00:00:00Z');
    const grid = new BusinessGrid(direct, from);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const a = new Date(from.getTime() + Math.floor(rnd() * 30 * 86400_000));
      const b = new Date(a.getTime() + Math.floor(rnd() * 6 * 86400_000));
      expect([a.toISOString(), b.toISOString(), grid.ms(a, b)]).toEqual([a.toISOString(), b.toISOString(), direct(a, b)]);
    }
  });

  it('falls back to the calendar before its start and is 0 for a backwards span', () => {
    const grid = new BusinessGrid(direct, new Date('2030-05-01T00:00:00Z'));
    const a = new Date('2030-04-29T01:00:00Z');
    const b = new Date('2030-05-06T09:00:00Z');
    expect(grid.ms(a, b)).toBe(direct(a, b));
    expect(grid.ms(b, a)).toBe(0);
  });
});
