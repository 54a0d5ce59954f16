/**
 * The dispatch board's arithmetic, apart from the components so it can be unit-tested: where a
 * window sits on a day's time axis, where a drop lands, and what to warn of (overlapping windows of
 * one engineer, windows outside the team's business hours).
 */
export interface Span {
  start: number;
  end: number;
}

export const SNAP_MS = 15 * 60_000;

/**
 * The visible part of the day (the day's own instants from the server): 06:00 to 22:00 local,
 * widened to whole hours to show the team's business hours with an hour on each side, and every
 * window of the day (an emergency at 23:00 is on the board, not clamped to its edge).
 */
export function axisOf(dayStart: string, dayEnd: string, shown: { start: string; end: string }[] = []): Span {
  const s = Date.parse(dayStart);
  const e = Date.parse(dayEnd);
  const hour = 3600_000;
  if (e - s < 20 * hour) return { start: s, end: e };
  let start = s + 6 * hour;
  let end = s + 22 * hour;
  for (const w of shown) {
    start = Math.min(start, Date.parse(w.start));
    end = Math.max(end, Date.parse(w.end));
  }
  // whole hours of the day, within it
  return { start: Math.max(s, s + Math.floor((start - s) / hour) * hour), end: Math.min(e, s + Math.ceil((end - s) / hour) * hour) };
}

/** What the axis must show: the business hours with an hour either side, and the day's windows. */
export function shownSpans(hours: { start: string; end: string }[], windows: ({ start: string; end: string } | null | undefined)[]): { start: string; end: string }[] {
  const hour = 3600_000;
  const padded = hours.map((o) => ({ start: new Date(Date.parse(o.start) - hour).toISOString(), end: new Date(Date.parse(o.end) + hour).toISOString() }));
  return [...padded, ...windows.filter((w): w is { start: string; end: string } => !!w?.start && !!w.end)];
}

/** Left offset and width of a window on the axis, in percent (clamped to the axis). */
export function place(win: { start: string; end: string }, axis: Span): { left: number; width: number } {
  const len = axis.end - axis.start;
  const a = Math.max(axis.start, Math.min(axis.end, Date.parse(win.start)));
  const b = Math.max(axis.start, Math.min(axis.end, Date.parse(win.end)));
  return { left: ((a - axis.start) / len) * 100, width: Math.max(1.5, ((b - a) / len) * 100) };
}

/** The instant at a horizontal fraction (0–1) of the axis, snapped to a quarter hour. */
export function instantAt(fraction: number, axis: Span): number {
  const t = axis.start + Math.max(0, Math.min(1, fraction)) * (axis.end - axis.start);
  return Math.round(t / SNAP_MS) * SNAP_MS;
}

/** A window moved to start at `start`, keeping its length (2 h for one that had none). */
export function moved(win: { start: string; end: string } | null, start: number): { start: string; end: string } {
  const len = win ? Date.parse(win.end) - Date.parse(win.start) : 2 * 3600_000;
  return { start: new Date(start).toISOString(), end: new Date(start + len).toISOString() };
}

/** Ids of the windows that overlap another of the same engineer. */
export function overlapping(items: { id: string; window: { start: string; end: string } | null }[]): Set<string> {
  const out = new Set<string>();
  const spans = items.filter((i) => i.window).map((i) => ({ id: i.id, s: Date.parse(i.window!.start), e: Date.parse(i.window!.end) }));
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      if (spans[i].s < spans[j].e && spans[j].s < spans[i].e) {
        out.add(spans[i].id);
        out.add(spans[j].id);
      }
    }
  }
  return out;
}

/** Is the window wholly inside one of the opening intervals? */
export function withinHours(win: { start: string; end: string }, hours: { start: string; end: string }[]): boolean {
  const s = Date.parse(win.start);
  const e = Date.parse(win.end);
  return hours.some((h) => Date.parse(h.start) <= s && e <= Date.parse(h.end));
}
