import { z } from 'zod';

/**
 * THE ISO 8601 duration parser of the system (configuration, SLA targets, business time): weeks,
 * days, hours, minutes and seconds (`PT1H`, `P2D`, `P1DT4H30M`, `PT0.5S`). Months and years are
 * refused: their length is not fixed. Linear: one anchored pattern without nested repetition.
 */
export const ISO_DURATION = /^P(?!$)(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export interface DurationParts {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export const DURATION_HINT = 'an ISO 8601 duration in weeks, days, hours, minutes or seconds, e.g. PT1H or P2D';

/** The parts of a duration; throws on anything else. */
export function durationParts(iso: string): DurationParts {
  const m = ISO_DURATION.exec(iso);
  if (!m) throw new Error(`${iso} is not ${DURATION_HINT}`);
  const [weeks, days, hours, minutes, seconds] = m.slice(1).map((v) => (v ? Number(v) : 0));
  return { weeks, days, hours, minutes, seconds };
}

/** A duration in wall-clock milliseconds (a day is 24 hours); throws on anything else. */
export function parseDuration(iso: string): number {
  const p = durationParts(iso);
  return Math.round(((((p.weeks * 7 + p.days) * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds) * 1000);
}

function valid(iso: string): boolean {
  return ISO_DURATION.test(iso);
}

/** A zod schema for a duration as text (an SLA target): validated, kept as written. */
export const isoDuration = z.string().refine(valid, DURATION_HINT);

/** A zod schema for a configured duration with its default, parsed into milliseconds. */
export const isoDurationMs = (fallback: string) => z.string().default(fallback).refine(valid, `must be ${DURATION_HINT}`).transform(parseDuration);
