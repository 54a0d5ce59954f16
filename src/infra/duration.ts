import { Duration } from 'luxon';

/** Parses an ISO 8601 duration (PT1H, P2D, P1DT4H30M) into milliseconds; throws on anything else. */
export function parseDuration(iso: string): number {
  const d = Duration.fromISO(iso);
  if (!d.isValid) throw new Error(`not an ISO 8601 duration: ${iso}`);
  const ms = d.as('milliseconds');
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`not a positive duration: ${iso}`);
  return ms;
}

export function isDuration(iso: string): boolean {
  try {
    parseDuration(iso);
    return true;
  } catch {
    return false;
  }
}
