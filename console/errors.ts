/**
 * Server errors in the reader's language. Every error code the server answers has a key
 * `error.<code>` (tests/unit/console/error-codes.test.ts fails when one is missing); a field's
 * problem in `details` is shown next to the field as `validation.<code>`.
 */
import { ApiError } from './api';
import type { T } from './i18n';

interface Detail {
  path?: string;
  message?: string;
  code?: string;
  minimum?: number;
  maximum?: number;
}

function has(t: T, key: string): boolean {
  return t(key) !== key;
}

/** One sentence for an error: the code's translation; for an unknown code a generic sentence with the code. */
export function errorText(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    const d = (err.details && typeof err.details === 'object' && !Array.isArray(err.details) ? err.details : {}) as Record<string, string | number>;
    if (has(t, `error.${err.code}`)) return t(`error.${err.code}`, d);
    return t('error.unknown', { code: err.code, status: err.status });
  }
  if (err instanceof TypeError) return t('error.network'); // fetch failed: offline, server down
  return t('error.unknown', { code: 'client', status: 0 });
}

/** A field problem in words: the detail's code translated, with its bounds. */
export function detailText(d: Detail, t: T): string {
  const vars = { minimum: d.minimum ?? '', maximum: d.maximum ?? '' };
  if (d.code && has(t, `validation.${d.code}`)) return t(`validation.${d.code}`, vars);
  return t('validation.invalid');
}

/** The problems of a refused form by field path (`targets.firstResponse`, `weekly.2.to`), translated. */
export function fieldErrors(err: unknown, t: T): Record<string, string> {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as Detail[]) {
    const path = d.path ?? '';
    if (!out[path]) out[path] = detailText(d, t);
  }
  return out;
}
