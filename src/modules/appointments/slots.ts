import { DateTime } from 'luxon';
import type { CalendarSpec } from '../calendars/business-time';
import { openingsOf } from '../workorders/dispatch-board';

export interface Slot {
  start: Date;
  end: Date;
}

export interface BusyWindow {
  engineerId: string;
  start: Date;
  end: Date;
}

/** At most this many days of slots in one answer. */
export const MAX_RANGE_DAYS = 31;

/**
 * The bookable slots of a team between `from` and `to`: each opening interval of its calendar
 * (business hours, holidays and make-up days as the calendar says; around the clock without one)
 * cut into consecutive slots of `slotMs` that fit whole, starting after `notBefore`.
 */
export function slotGrid(calendar: CalendarSpec | null, timeZone: string, from: Date, to: Date, slotMs: number, notBefore: Date): Slot[] {
  const out: Slot[] = [];
  let day = DateTime.fromJSDate(from, { zone: timeZone }).startOf('day');
  const last = to.getTime();
  for (let i = 0; i <= MAX_RANGE_DAYS && day.toMillis() < last; i++, day = day.plus({ days: 1 })) {
    const dayStart = day.toJSDate();
    const dayEnd = day.plus({ days: 1 }).toJSDate();
    for (const open of openingsOf(calendar, dayStart, dayEnd)) {
      const end = Date.parse(open.end);
      for (let s = Date.parse(open.start); s + slotMs <= end; s += slotMs) {
        if (s < from.getTime() || s >= last || s < notBefore.getTime()) continue;
        out.push({ start: new Date(s), end: new Date(s + slotMs) });
      }
    }
  }
  return out;
}

/**
 * How many engineers a slot has: the team's engineers less those with another booked window that
 * comes within `bufferMs` (the way from one customer to the next) of the slot. Work orders booked
 * into this very slot are not counted here: they hold seats of the slot (`seatsTaken`).
 */
export function capacityOf(slot: Slot, engineers: readonly string[], busy: readonly BusyWindow[], bufferMs: number): number {
  const from = slot.start.getTime() - bufferMs;
  const to = slot.end.getTime() + bufferMs;
  const taken = new Set(busy.filter((b) => b.start.getTime() < to && b.end.getTime() > from).map((b) => b.engineerId));
  return engineers.filter((e) => !taken.has(e)).length;
}

/** The seat keys of a slot: a booking claims the first free one with an insert (unique `_id`). */
export function seatKey(team: string, slotStart: Date, seat: number): string {
  return `${team}|${slotStart.toISOString()}|${seat}`;
}
