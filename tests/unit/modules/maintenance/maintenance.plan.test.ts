import { dueDate, planState } from '../../../../src/modules/maintenance/maintenance.plan';

const TZ = 'Asia/Shanghai';
const plan = { firstAfterMonths: 6, everyMonths: 12 };

describe('maintenance plan', () => {
  it('is due firstAfterMonths after purchase, then every everyMonths, by the calendar of the organisation', () => {
    const bought = new Date('2025-08-30T16:30:00Z'); // 31 August in Shanghai
    expect(dueDate(bought, plan, 0, TZ)).toBe('2026-02-28');
    expect(dueDate(bought, plan, 1, TZ)).toBe('2027-02-28');
  });
  it('names only the latest date that has come, however many were missed, and the next to wait for', () => {
    const bought = new Date('2022-01-10T00:00:00Z');
    expect(planState(bought, plan, new Date('2022-05-01T00:00:00Z'), TZ)).toEqual({ latestDue: null, next: '2022-07-10' });
    expect(planState(bought, plan, new Date('2025-09-01T00:00:00Z'), TZ)).toEqual({ latestDue: '2025-07-10', next: '2026-07-10' });
  });
});
