import type { Clock } from '../../infra/clock';
import type { QueueName, Queues } from '../../infra/queues';

/** Where timers live and what their jobs carry: the tickets' SLA by default; work orders' on-site target too. */
export interface TimerPlace {
  queue: QueueName;
  /** the job's data: the id of what the evaluator re-reads */
  data: (ownerId: string) => object;
  jobName: (jobId: string) => string;
}

/**
 * Timers as BullMQ delayed jobs with deterministic ids (one per target and kind), used by the work
 * orders' on-site target (`place`). The tickets' SLA timers are one entry per ticket in a Redis
 * timer set instead (src/infra/timer-set.ts, claimed by the workers' timer loop): a burst of
 * breaches costs a few Redis commands each rather than a job's scripts (issue #23). A timer only
 * wakes the evaluator, which re-reads the document; a lost or stale timer costs at most one sweep.
 */
export class SlaTimers {
  constructor(
    private readonly queues: Queues,
    private readonly clock: Clock,
    private readonly place: TimerPlace,
  ) {}

  /** Moves, adds or removes the jobs whose due time differs between two plans. */
  async sync(ticketId: string, before: Map<string, number>, after: Map<string, number>): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(id);
      const at = after.get(id);
      if (was === at) continue;
      if (at === undefined) work.push(this.remove(id));
      else work.push(this.put(ticketId, id, at, was !== undefined));
    }
    await Promise.all(work);
  }

  /** (Re)schedules one timer; `replace` removes a job of the same id first (BullMQ keeps the first job of an id). */
  async put(ticketId: string, jobId: string, at: number, replace = true): Promise<void> {
    const q = this.queues.get(this.place.queue);
    if (replace) await q.remove(jobId).catch(() => 0); // an active job stays locked: its evaluation re-plans anyway
    await q.add(this.place.jobName(jobId), this.place.data(ticketId), { jobId, delay: Math.max(0, at - this.clock.now().getTime()), attempts: 3, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
  }

  async remove(jobId: string): Promise<void> {
    await this.queues.get(this.place.queue).remove(jobId).catch(() => 0);
  }

  /** The sweeper's repair: adds any wanted timer that has no job. */
  async ensure(ticketId: string, wanted: Map<string, number>): Promise<number> {
    const q = this.queues.get(this.place.queue);
    let added = 0;
    for (const [id, at] of wanted) {
      if (await q.getJob(id)) continue;
      await this.put(ticketId, id, at, false);
      added++;
    }
    return added;
  }
}

/** a timer that fires this close before its due time (clock skew) waits in the worker instead of a sweep */
const EARLY_WAIT_MS = 5_000;

/**
 * A timer's job: runs the evaluator; when it found nothing because the timer fired a little early,
 * waits out the few milliseconds and evaluates once more.
 */
export async function fireTimer(check: () => Promise<{ events: number; nextAt: number | null }>, clock: Clock): Promise<{ events: number; nextAt: number | null }> {
  const res = await check();
  const wait = res.nextAt === null ? Infinity : res.nextAt - clock.now().getTime();
  if (!res.events && wait > 0 && wait <= EARLY_WAIT_MS) {
    await new Promise((r) => setTimeout(r, wait + 5));
    return check();
  }
  return res;
}
