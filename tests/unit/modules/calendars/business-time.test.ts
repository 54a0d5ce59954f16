import { addBusinessTime, businessTimeBetween, CalendarSpec, isOpen, nextOpening, targetMs } from '../../../../src/modules/calendars/business-time';
import { DEMO_CALENDAR } from '../../../../src/modules/sla/sla.seed';

const H = 3600_000;
const M = 60_000;
const sh = (local: string) => new Date(`${local}+08:00`); // Asia/Shanghai wall time
const cal: CalendarSpec = DEMO_CALENDAR;

describe('business-hours calendar arithmetic (Asia/Shanghai, split shift, Saturday mornings)', () => {
  it('starts counting at the opening and skips the lunch break', () => {
    expect(addBusinessTime(cal, sh('2026-03-02T08:00'), H)).toEqual(sh('2026-03-02T10:00')); // Monday before opening
    expect(addBusinessTime(cal, sh('2026-03-02T11:30'), H)).toEqual(sh('2026-03-02T14:00')); // 30 min before lunch, 30 after
    expect(addBusinessTime(cal, sh('2026-03-02T12:45'), 30 * M)).toEqual(sh('2026-03-02T14:00')); // asked during lunch
    expect(addBusinessTime(cal, sh('2026-03-02T11:00'), H)).toEqual(sh('2026-03-02T12:00')); // ends exactly at lunch
  });

  it('rolls over the evening, Saturday morning and Sunday', () => {
    expect(addBusinessTime(cal, sh('2026-03-06T17:00'), 2 * H)).toEqual(sh('2026-03-07T10:00')); // Fri 1 h + Sat 1 h
    expect(addBusinessTime(cal, sh('2026-03-07T11:00'), 2 * H)).toEqual(sh('2026-03-09T10:00')); // Sat 1 h, Sunday closed, Mon 1 h
    expect(addBusinessTime(cal, sh('2026-03-08T15:00'), 10 * M)).toEqual(sh('2026-03-09T09:10')); // asked on Sunday
  });

  it('skips holidays and works make-up days (调休)', () => {
    // Qingming Monday 2026-04-06 is closed
    expect(addBusinessTime(cal, sh('2026-04-04T11:30'), H)).toEqual(sh('2026-04-07T09:30'));
    // Saturday 2026-02-14 is worked with Monday's hours; the Spring Festival week after it is closed
    expect(addBusinessTime(cal, sh('2026-02-13T17:30'), 4 * H)).toEqual(sh('2026-02-14T14:00'));
    expect(addBusinessTime(cal, sh('2026-02-14T17:00'), 2 * H)).toEqual(sh('2026-02-21T10:00'));
    expect(isOpen(cal, sh('2026-02-14T15:00'))).toBe(true);
    expect(isOpen(cal, sh('2026-02-18T10:00'))).toBe(false);
  });

  it('measures business time between two instants', () => {
    expect(businessTimeBetween(cal, sh('2026-03-02T08:00'), sh('2026-03-02T20:00'))).toBe(7.5 * H);
    expect(businessTimeBetween(cal, sh('2026-03-06T17:00'), sh('2026-03-09T10:00'))).toBe(5 * H); // Fri 1 + Sat 3 + Mon 1
    expect(businessTimeBetween(cal, sh('2026-03-02T12:10'), sh('2026-03-02T13:20'))).toBe(0); // lunch
    expect(businessTimeBetween(cal, sh('2026-03-02T10:00'), sh('2026-03-02T09:00'))).toBe(0);
  });

  it('adding and measuring agree from any start', () => {
    let start = sh('2026-01-01T00:00').getTime();
    for (let i = 0; i < 300; i++) {
      start += 7 * H + 13 * M + 17_000; // walks through nights, lunches, weekends and holidays
      const ms = ((i * 7919) % (40 * H)) + 1000;
      const due = addBusinessTime(cal, new Date(start), ms);
      expect(businessTimeBetween(cal, new Date(start), due)).toBe(ms);
    }
  });

  it('tells open from closed and finds the next opening', () => {
    expect(isOpen(cal, sh('2026-03-02T12:30'))).toBe(false);
    expect(isOpen(cal, sh('2026-03-02T13:30'))).toBe(true);
    expect(isOpen(cal, sh('2026-03-02T18:00'))).toBe(false);
    expect(nextOpening(cal, sh('2026-03-02T12:15'))).toEqual(sh('2026-03-02T13:30'));
    expect(nextOpening(cal, sh('2026-03-02T10:15'))).toEqual(sh('2026-03-02T10:15'));
    expect(nextOpening(cal, sh('2026-03-07T12:30'))).toEqual(sh('2026-03-09T09:00')); // Saturday afternoon → Monday
    expect(nextOpening(cal, sh('2026-04-05T20:00'))).toEqual(sh('2026-04-07T09:00')); // holiday Monday
  });

  it('follows the calendar\'s own time zone through a daylight-saving change', () => {
    const berlin: CalendarSpec = { timeZone: 'Europe/Berlin', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })) };
    // Friday 16:00 CET is 15:00Z; the clocks go forward on Sunday 29 March; Monday 10:00 CEST is 08:00Z
    expect(addBusinessTime(berlin, new Date('2026-03-27T15:00:00Z'), 2 * H)).toEqual(new Date('2026-03-30T08:00:00Z'));
    expect(isOpen(berlin, new Date('2026-03-30T07:30:00Z'))).toBe(true); // 09:30 CEST
    expect(isOpen(berlin, new Date('2026-03-27T07:30:00Z'))).toBe(false); // 08:30 CET
    // the same instant is Monday morning in Shanghai and Sunday night in Berlin
    expect(isOpen(cal, new Date('2026-03-02T01:30:00Z'))).toBe(true);
  });

  it('treats no calendar as around the clock and accepts 24:00', () => {
    expect(addBusinessTime(null, sh('2026-03-07T23:00'), 2 * H)).toEqual(sh('2026-03-08T01:00'));
    expect(businessTimeBetween(null, sh('2026-03-07T23:00'), sh('2026-03-08T01:00'))).toBe(2 * H);
    expect(isOpen(null, sh('2026-03-08T03:00'))).toBe(true);
    const nights: CalendarSpec = { timeZone: 'Asia/Shanghai', weekly: [{ day: 1, from: '22:00', to: '24:00' }, { day: 2, from: '00:00', to: '06:00' }] };
    expect(addBusinessTime(nights, sh('2026-03-02T23:00'), 2 * H)).toEqual(sh('2026-03-03T01:00'));
  });

  it('maps durations to business time: a day is one typical working day', () => {
    expect(targetMs('PT1H', cal)).toBe(H);
    expect(targetMs('P2D', cal)).toBe(15 * H); // two 7.5-hour weekdays
    expect(targetMs('P1W', cal)).toBe(40.5 * H); // 5 × 7.5 h + Saturday 3 h
    expect(targetMs('P2D', null)).toBe(48 * H);
    expect(targetMs('P1DT2H30M', null)).toBe(26.5 * H);
    // two business days from Monday morning end on Tuesday evening; from Friday afternoon on Tuesday morning
    expect(addBusinessTime(cal, sh('2026-03-02T09:00'), targetMs('P2D', cal))).toEqual(sh('2026-03-03T18:00'));
    expect(addBusinessTime(cal, sh('2026-03-06T14:00'), targetMs('P2D', cal))).toEqual(sh('2026-03-10T09:30'));
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', '1H', 'PT0S', 'soon']) expect(() => targetMs(bad, cal)).toThrow();
  });
});
