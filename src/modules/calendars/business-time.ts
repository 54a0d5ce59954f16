import { DateTime, IANAZone } from 'luxon';
import { durationParts } from '../../infra/duration';

/** A business-hours calendar as the arithmetic needs it (the stored model adds a name and timestamps). */
export interface CalendarSpec {
  timeZone: string;
  /** opening intervals per ISO weekday (1 = Monday … 7 = Sunday), local "HH:MM", `to` may be "24:00" */
  weekly: { day: number; from: string; to: string }[];
  /** closed all day (public holidays), local dates YYYY-MM-DD */
  holidays?: { date: string; name?: string }[];
  /** worked although the weekday is closed (调休), with the hours of weekday `like` (default Monday) */
  workdays?: { date: string; like?: number; name?: string }[];
}

interface Compiled {
  zone: string;
  byWeekday: [number, number][][]; // minutes from local midnight, index 1..7
  holidays: Set<string>;
  workdays: Map<string, number>;
  /** business ms of a typical working day: what a "day" of an SLA target means on this calendar */
  dayMs: number;
  weekMs: number;
  /** the local days already worked out, by the epoch ms of their midnight (see dayAt) */
  days: Map<number, Day>;
  /** the day the last look-up landed in: most look-ups are of the same day or the next */
  last: Day | null;
}

/** One local day of a calendar, worked out once: where it starts and ends and when it is open (epoch ms). */
interface Day {
  start: number;
  /** the next local midnight (not start + 24 h across a DST change) */
  end: number;
  intervals: [number, number][];
}

/** days kept per calendar; past this the cache starts over (a report over years must not grow it without bound) */
const MAX_CACHED_DAYS = 4000;

const MAX_DAYS = 3660; // ten years: a calendar that never opens in that span is an error, not a loop
const compiledCache = new WeakMap<CalendarSpec, Compiled>();

export function minutesOf(hhmm: string): number {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  const v = Number(m[1]) * 60 + Number(m[2]);
  if (v > 24 * 60) throw new Error(`not a time of day: ${hhmm}`);
  return v;
}

/** One problem of a calendar: where (as a request body path), in words, and a stable code clients translate. */
export interface CalendarProblem {
  path: string;
  message: string;
  code: 'unknown_time_zone' | 'no_hours' | 'interval_order' | 'invalid_time' | 'invalid_date';
}

/** Problems of a calendar (empty when it is usable). */
export function calendarProblems(spec: CalendarSpec): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  if (!IANAZone.isValidZone(spec.timeZone)) problems.push({ path: 'timeZone', message: `unknown time zone ${spec.timeZone}`, code: 'unknown_time_zone' });
  if (!spec.weekly.length) problems.push({ path: 'weekly', message: 'a calendar needs at least one opening interval', code: 'no_hours' });
  spec.weekly.forEach((w, i) => {
    try {
      if (minutesOf(w.from) >= minutesOf(w.to)) problems.push({ path: `weekly.${i}.to`, message: `day ${w.day}: ${w.from} is not before ${w.to}`, code: 'interval_order' });
    } catch (err) {
      problems.push({ path: `weekly.${i}`, message: (err as Error).message, code: 'invalid_time' });
    }
  });
  for (const [list, days] of [['holidays', spec.holidays ?? []], ['workdays', spec.workdays ?? []]] as const) {
    days.forEach((d, i) => {
      if (!DateTime.fromISO(d.date).isValid || !/^\d{4}-\d{2}-\d{2}$/.test(d.date)) problems.push({ path: `${list}.${i}.date`, message: `not a date: ${d.date}`, code: 'invalid_date' });
    });
  }
  return problems;
}

function merge(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

function compile(spec: CalendarSpec): Compiled {
  let c = compiledCache.get(spec);
  if (c) return c;
  const byWeekday: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const w of spec.weekly) byWeekday[w.day]?.push([minutesOf(w.from), minutesOf(w.to)]);
  for (let d = 1; d <= 7; d++) byWeekday[d] = merge(byWeekday[d]);
  const lengths = byWeekday.slice(1).map((ivs) => ivs.reduce((s, [a, b]) => s + (b - a), 0) * 60_000);
  // The most common non-zero daily length (Mon–Fri in most departments); ties go to the longer day.
  const counts = new Map<number, number>();
  for (const l of lengths) if (l > 0) counts.set(l, (counts.get(l) ?? 0) + 1);
  const dayMs = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  c = {
    zone: spec.timeZone,
    byWeekday,
    holidays: new Set((spec.holidays ?? []).map((h) => h.date)),
    workdays: new Map((spec.workdays ?? []).map((w) => [w.date, w.like ?? 1])),
    dayMs,
    weekMs: lengths.reduce((s, l) => s + l, 0),
    days: new Map(),
    last: null,
  };
  compiledCache.set(spec, c);
  return c;
}

/** The opening intervals (epoch ms) of the local day that starts at `day`. */
function intervalsOf(c: Compiled, day: DateTime): [number, number][] {
  const iso = day.toISODate()!;
  if (c.holidays.has(iso)) return [];
  const weekday = c.workdays.get(iso) ?? day.weekday;
  return c.byWeekday[weekday].map(([a, b]) => [at(day, a), at(day, b)]);
}

/** Local wall time `minutes` after midnight of `day` (DST-safe: built from the wall clock, not by adding). */
function at(day: DateTime, minutes: number): number {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: day.zone }).toMillis();
}

/** The local day that starts at `start` (a local midnight), from the cache or worked out with luxon once. */
function dayStarting(c: Compiled, start: DateTime): Day {
  const key = start.toMillis();
  let d = c.days.get(key);
  if (!d) {
    if (c.days.size >= MAX_CACHED_DAYS) c.days.clear();
    d = { start: key, end: start.plus({ days: 1 }).startOf('day').toMillis(), intervals: intervalsOf(c, start) };
    c.days.set(key, d);
  }
  return d;
}

/**
 * The local day holding the instant `ms`. Zone arithmetic (luxon over Intl) is the costly part of
 * an SLA due time, and a busy intake asks about the same few days over and over (issue #23): a
 * day is worked out once per calendar and found again by its bounds.
 */
function dayAt(c: Compiled, ms: number): Day {
  const last = c.last;
  if (last && last.start <= ms && ms < last.end) return last;
  const d = dayStarting(c, DateTime.fromMillis(ms, { zone: c.zone }).startOf('day'));
  c.last = d;
  return d;
}

/** The local day after `d`. */
function nextDay(c: Compiled, d: Day): Day {
  return c.days.get(d.end) ?? dayStarting(c, DateTime.fromMillis(d.end, { zone: c.zone }));
}

/** The due time `ms` of business time after `start`. A null calendar is open around the clock. */
export function addBusinessTime(calendar: CalendarSpec | null, start: Date, ms: number): Date {
  if (!calendar) return new Date(start.getTime() + ms);
  if (ms <= 0) return new Date(start.getTime());
  const c = compile(calendar);
  let remaining = ms;
  const t = start.getTime();
  let day = dayAt(c, t);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(c, day)) {
    for (const [a, b] of day.intervals) {
      if (b <= t) continue;
      const from = Math.max(a, t);
      if (remaining <= b - from) return new Date(from + remaining);
      remaining -= b - from;
    }
  }
  throw new Error('the calendar has no business hours in the next ten years');
}

/** Business milliseconds between two instants (0 when b is not after a). */
export function businessTimeBetween(calendar: CalendarSpec | null, a: Date, b: Date): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to <= from) return 0;
  if (!calendar) return to - from;
  const c = compile(calendar);
  let sum = 0;
  for (let day = dayAt(c, from), i = 0; day.start < to && i < MAX_DAYS * 10; day = nextDay(c, day), i++) {
    for (const [s, e] of day.intervals) {
      const lo = Math.max(s, from);
      const hi = Math.min(e, to);
      if (hi > lo) sum += hi - lo;
    }
  }
  return sum;
}

export function isOpen(calendar: CalendarSpec | null, when: Date): boolean {
  if (!calendar) return true;
  const c = compile(calendar);
  const t = when.getTime();
  return dayAt(c, t).intervals.some(([a, b]) => a <= t && t < b);
}

/** `when` itself if open, else the start of the next opening interval. */
export function nextOpening(calendar: CalendarSpec | null, when: Date): Date {
  if (!calendar) return new Date(when.getTime());
  const c = compile(calendar);
  const t = when.getTime();
  let day = dayAt(c, t);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(c, day)) {
    for (const [a, b] of day.intervals) if (b > t) return new Date(Math.max(a, t));
  }
  throw new Error('the calendar has no business hours in the next ten years');
}

/**
 * An SLA target in business milliseconds. Hours, minutes and seconds are clock time of business
 * hours; a day (D) is one typical working day of the calendar (its most common daily opening, e.g.
 * 7.5 h for 09:00–12:00 + 13:30–18:00), a week (W) its whole weekly opening. Around the clock a
 * day is 24 h. Months and years are refused: their length in business time means nothing.
 */
export function targetMs(iso: string, calendar: CalendarSpec | null): number {
  const { weeks: w, days: d, hours: h, minutes: min, seconds: s } = durationParts(iso);
  const c = calendar ? compile(calendar) : null;
  const day = c ? c.dayMs : 24 * 3600_000;
  const week = c ? c.weekMs : 7 * 24 * 3600_000;
  const ms = Math.round(w * week + d * day + h * 3600_000 + min * 60_000 + s * 1000);
  if (ms <= 0) throw new Error(`${iso} is not a positive duration`);
  return ms;
}

export interface CalendarDay {
  date: string;
  /** ISO weekday of the date, 1 = Monday */
  weekday: number;
  /** `holiday` closed by a holiday, `makeup` a make-up workday (调休), `open` a normal working day, `closed` no hours */
  kind: 'open' | 'closed' | 'holiday' | 'makeup';
  name: string | null;
  hours: { from: string; to: string }[];
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Each local day from `from` (YYYY-MM-DD) for `count` days as the calendar opens it: the settings page's month view. */
export function calendarDays(spec: CalendarSpec, from: string, count: number): CalendarDay[] {
  const c = compile(spec);
  const names = new Map([...(spec.holidays ?? []), ...(spec.workdays ?? [])].map((d) => [d.date, d.name ?? null]));
  const start = DateTime.fromISO(from, { zone: c.zone }).startOf('day');
  const out: CalendarDay[] = [];
  for (let i = 0; i < Math.min(count, 400); i++) {
    const day = start.plus({ days: i });
    const iso = day.toISODate()!;
    const holiday = c.holidays.has(iso);
    const makeup = !holiday && c.workdays.has(iso);
    const hours = holiday ? [] : c.byWeekday[c.workdays.get(iso) ?? day.weekday].map(([a, b]) => ({ from: hhmm(a), to: hhmm(b) }));
    out.push({ date: iso, weekday: day.weekday, kind: holiday ? 'holiday' : makeup ? 'makeup' : hours.length ? 'open' : 'closed', name: names.get(iso) ?? null, hours });
  }
  return out;
}
