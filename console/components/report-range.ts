/** Date ranges of the reports view. Days are UTC days, as the server groups them (`groupBy=day`). */

export type Preset = '7d' | '30d' | 'month' | 'custom';
export const PRESETS: Preset[] = ['7d', '30d', 'month', 'custom'];

const DAY = 24 * 3600 * 1000;

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY;

/** The half-open range [from, to) of a preset, as ISO dates; `to` is the day after the last day shown. */
export function rangeOf(preset: Preset, custom: { from: string; to: string }, now = Date.now()): { from: string; to: string } | null {
  const tomorrow = dayStart(now) + DAY;
  if (preset === '7d') return { from: isoDay(tomorrow - 7 * DAY), to: isoDay(tomorrow) };
  if (preset === '30d') return { from: isoDay(tomorrow - 30 * DAY), to: isoDay(tomorrow) };
  if (preset === 'month') {
    const d = new Date(now);
    return { from: isoDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)), to: isoDay(tomorrow) };
  }
  const f = Date.parse(custom.from);
  const t = Date.parse(custom.to);
  if (!Number.isFinite(f) || !Number.isFinite(t) || t < f) return null;
  return { from: isoDay(f), to: isoDay(t + DAY) };
}

/** Every day of [from, to) as `YYYY-MM-DD`: the chart shows days without tickets as zero. */
export function daysOf(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let t = Date.parse(range.from); t < Date.parse(range.to) && out.length < 800; t += DAY) out.push(isoDay(t));
  return out;
}

/** "3/5" or "3月5日": a short day label in the UI language, read in UTC like the server's days. */
export function dayLabel(day: string, locale: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(locale, { month: 'numeric', day: 'numeric', timeZone: 'UTC' });
}

export function percent(v: number | null, locale: string): string {
  if (v === null) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

export function decimal(v: number | null, locale: string, digits = 2): string {
  if (v === null) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v);
}
