import type { JobsOptions } from 'bullmq';
import { cappedBackoff } from '../../infra/queues';

/** The first retry of a mail job waits this long; each next one twice as long, up to the cap. */
export const FIRST_RETRY_MS = 1000;

/**
 * How a `mail-in` job is retried: exponentially from FIRST_RETRY_MS, at most `maxDelayMs` apart,
 * for at least `retryForMs` in all (MAIL_RETRY_FOR, MAIL_RETRY_MAX_DELAY). A mail was answered
 * 250 before its job ran: the job has to outlive a store restart or an outage of hours. A job
 * that still fails then stays in the failed set (the dead-letter list), never removed by age.
 */
export function mailJobOptions(retryForMs: number, maxDelayMs: number): JobsOptions {
  let attempts = 1;
  let waited = 0;
  while (waited < retryForMs && attempts < 10_000) {
    waited += Math.min(maxDelayMs, FIRST_RETRY_MS * 2 ** Math.min(30, attempts - 1));
    attempts++;
  }
  return { attempts, backoff: { type: cappedBackoff(maxDelayMs), delay: FIRST_RETRY_MS }, removeOnFail: false };
}
