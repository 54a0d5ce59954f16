import { DateTime } from 'luxon';

export interface MaintenancePlan {
  firstAfterMonths: number;
  everyMonths: number;
}

/** The plan's n-th due date (0 = the first) of a unit bought on `purchase`, as a local date YYYY-MM-DD. */
export function dueDate(purchase: Date, plan: MaintenancePlan, n: number, timeZone: string): string {
  const bought = DateTime.fromJSDate(purchase, { zone: timeZone }).startOf('day');
  // months added as a calendar does it: 31 August + 6 months is 28/29 February
  return bought.plus({ months: plan.firstAfterMonths + n * plan.everyMonths }).toISODate()!;
}

/** The instant a local due date begins (when its reminder is due). */
export function dueAt(date: string, timeZone: string): Date {
  return DateTime.fromISO(date, { zone: timeZone }).startOf('day').toJSDate();
}

/**
 * Where a unit stands on its plan at `now`: the latest due date that has come (its reminder is due,
 * once, however many dates were missed before it: a unit registered late gets one reminder, not
 * one per missed date), and the next one to wait for.
 */
export function planState(purchase: Date, plan: MaintenancePlan, now: Date, timeZone: string): { latestDue: string | null; next: string } {
  let latestDue: string | null = null;
  for (let n = 0; n < 1200; n++) {
    const d = dueDate(purchase, plan, n, timeZone);
    if (dueAt(d, timeZone).getTime() > now.getTime()) return { latestDue, next: d };
    latestDue = d;
  }
  throw new Error('maintenance plan runs past a hundred years');
}
