/**
 * Pure arithmetic of the KPI reports: percentiles, ratios, rounding and CSV. Kept apart from the
 * aggregation so the definitions can be read (and unit-tested) in one place.
 */

/** The median of unsorted values; the mean of the two middle values for an even count; null when empty. */
export function median(values: ArrayLike<number>): number | null {
  const v = sorted(values);
  const n = v.length;
  if (!n) return null;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/** The p-th percentile by the nearest-rank method: the smallest value with at least p% of values at or below it. */
export function percentile(values: ArrayLike<number>, p: number): number | null {
  const v = sorted(values);
  if (!v.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * v.length));
  return v[rank - 1];
}

function sorted(values: ArrayLike<number>): Float64Array {
  // a typed array sorts numerically and in place, ~10x faster than Array#sort with a comparator
  return Float64Array.from(values).sort();
}

/** Milliseconds to whole seconds, keeping null. */
export function toSec(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 1000);
}

/** part/whole rounded to 4 decimals; null when nothing was counted (0/0 is "no data", not 0%). */
export function ratio(part: number, whole: number): number | null {
  if (!whole) return null;
  return Math.round((part / whole) * 10000) / 10000;
}

export function average(sum: number, count: number): number | null {
  if (!count) return null;
  return Math.round((sum / count) * 100) / 100;
}

/** One CSV cell (RFC 4180): quoted when it holds a comma, quote, line break or edge spaces. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = String(value);
  // a cell starting with = + - @ would be a formula in a spreadsheet (CSV injection via an agent's name)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s) || s !== s.trim()) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Rows to CSV text with CRLF line ends; `columns` fixes the header and the order. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
