import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';

/**
 * The SLA timers: BullMQ delayed jobs on the `sla` queue with deterministic ids (one per target and
 * kind, plus the escalation chain). A timer only wakes the evaluator, which re-reads the ticket; a
 * lost or stale timer costs at most one sweep interval.
 */
export class SlaTimers {
  constructor(
    private readonly queues: Queues,
    private readonly clock: Clock,
  ) {}

  private jobName(jobId: string): string {
    return jobId.includes('-warn-') ? 'warn' : jobId.startsWith('sla-escalate-') ? 'escalate' : 'breach';
  }

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
    const q = this.queues.get('sla');
    if (replace) await q.remove(jobId).catch(() => 0); // an active job stays locked: its evaluation re-plans anyway
    await q.add(this.jobName(jobId), { ticketId }, { jobId, delay: Math.max(0, at - this.clock.now().getTime()), attempts: 3, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
  }

  async remove(jobId: string): Promise<void> {
    await this.queues.get('sla').remove(jobId).catch(() => 0);
  }

  /** The sweeper's repair: adds any wanted timer that has no job. */
  async ensure(ticketId: string, wanted: Map<string, number>): Promise<number> {
    const q = this.queues.get('sla');
    let added = 0;
    for (const [id, at] of wanted) {
      if (await q.getJob(id)) continue;
      await this.put(ticketId, id, at, false);
      added++;
    }
    return added;
  }
}
