import { performance } from 'node:perf_hooks';
import { Job, JobsOptions, Processor, Queue, Worker, WorkerOptions } from 'bullmq';
import type { Logger } from '../logger';
import type { RedisClient } from './redis';

/** Every BullMQ queue of the system. A queue is a trigger; the state it acts on lives in MongoDB. */
export const QUEUE_NAMES = ['mail-in', 'mail-out', 'sla', 'callbacks', 'surveys', 'tickets', 'notify', 'returns', 'workorders', 'search', 'wechat', 'imap', 'sms', 'parts', 'quotes', 'automation', 'webhooks', 'portal'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Backoff of type `capped:<maxMs>`: exponential from the job's `backoff.delay`, never longer than
 * maxMs between tries. BullMQ's own exponential backoff has no cap, so a job meant to be retried
 * for hours (mail that was answered 250 while the store is down) would otherwise wait days.
 */
export function cappedBackoff(maxDelayMs: number): string {
  return `capped:${Math.round(maxDelayMs)}`;
}

const backoffStrategy = (attemptsMade: number, type?: string, _err?: Error, job?: { opts?: JobsOptions }): number => {
  const cap = type?.startsWith('capped:') ? Number(type.slice(7)) : NaN;
  const base = typeof job?.opts?.backoff === 'object' ? (job.opts.backoff.delay ?? 1000) : 1000;
  if (!Number.isFinite(cap)) return base;
  return Math.min(cap, base * 2 ** Math.min(30, Math.max(0, attemptsMade - 1)));
};

/**
 * Producers: one Queue per name on one fail-fast connection. `prefix` carries a hash tag
 * (`{aftercare}`): on a Redis Cluster BullMQ needs every key of a queue in one slot.
 */
export class Queues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    /** the producers' connection (fail-fast), also for reading gauges */
    readonly connection: RedisClient,
    readonly prefix: string,
  ) {}

  get(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions });
      q.on('error', () => undefined); // the connection logs; a producer error surfaces at add()
      this.queues.set(name, q);
    }
    return q;
  }

  /** Adds a job; with a jobId an existing job of that id is replaced, so the newest schedule wins. */
  async schedule(name: QueueName, jobName: string, data: object, opts: JobsOptions & { jobId: string; replace?: boolean }): Promise<void> {
    const q = this.get(name);
    const { replace, ...jobOpts } = opts;
    if (replace) {
      const existing = await q.getJob(opts.jobId);
      if (existing) await existing.remove().catch(() => undefined); // a running job keeps its lock; the new one is then a no-op
    }
    await q.add(jobName, data, jobOpts);
  }

  async remove(name: QueueName, jobId: string): Promise<void> {
    const job = await this.get(name).getJob(jobId);
    if (job) await job.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** What a module handles: per queue, one handler per job name. */
export type JobHandlers = Partial<Record<QueueName, Record<string, (job: Job) => Promise<unknown>>>>;
export type ProcessorMap = Partial<Record<QueueName, Processor>>;

/** Merges the modules' handlers into one processor per queue that dispatches on the job name. */
export function toProcessors(all: JobHandlers[]): ProcessorMap {
  const merged: Record<string, Record<string, (job: Job) => Promise<unknown>>> = {};
  for (const handlers of all) {
    for (const [queue, byName] of Object.entries(handlers)) {
      for (const [name, fn] of Object.entries(byName ?? {})) {
        if (merged[queue]?.[name]) throw new Error(`two handlers for ${queue}/${name}`);
        (merged[queue] ??= {})[name] = fn;
      }
    }
  }
  return Object.fromEntries(
    Object.entries(merged).map(([queue, byName]) => [
      queue,
      async (job: Job) => {
        const fn = byName[job.name];
        if (!fn) throw new Error(`no handler for ${queue}/${job.name}`);
        return fn(job);
      },
    ]),
  ) as ProcessorMap;
}

/** What the workers report of each job (src/infra/metrics.ts records it for Prometheus). */
export interface JobObserver {
  /** seconds between a job being due and a worker taking it (first attempts only) */
  waited(queue: QueueName, seconds: number): void;
  /** seconds a job ran, and how it ended */
  ran(queue: QueueName, name: string, outcome: 'completed' | 'failed', seconds: number): void;
}

/**
 * Jobs run at once per queue where 8 is not right. The `sla` queue's timer jobs (`warn`, `breach`,
 * `escalate`) are only those left by a release that kept a delayed job per timer (the SLA timers
 * are now the workers' timer loop, src/modules/sla/sla.module.ts); many of them may come due
 * together, and each mostly waits on the stores, so the slots are many (issue #23); a check
 * re-reads the ticket and writes conditionally, so parallel checks never double. The escalations'
 * follow-ups (mails, timeline lines: `notify`) run few at once, so that a burst of them never
 * crowds the checks still due out of the store and the event loop.
 */
const CONCURRENCY: Partial<Record<QueueName, number>> = { sla: 64, notify: 4 };

/** Consumers: one Worker per queue with a processor, on a blocking connection of its own. */
export function startWorkers(
  makeConnection: () => RedisClient,
  prefix: string,
  processors: ProcessorMap,
  log: Logger,
  opts: Partial<WorkerOptions> = {},
  observer?: JobObserver,
  /** jobs run at once per queue (default CONCURRENCY, else 8): mail-in runs MAIL_INGEST_CONCURRENCY */
  concurrency: Partial<Record<QueueName, number>> = {},
): Worker[] {
  return (Object.entries(processors) as [QueueName, Processor][]).map(([name, processor]) => {
    const worker = new Worker(name, observer ? measured(name, processor, observer) : processor, {
      connection: makeConnection(),
      prefix,
      concurrency: concurrency[name] ?? CONCURRENCY[name] ?? 8,
      settings: { backoffStrategy },
      ...opts,
    });
    worker.on('failed', (job: Job | undefined, err: Error) =>
      log.warn({ queue: name, job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    worker.on('error', (err) => log.warn({ queue: name, err: err.message }, 'worker error'));
    return worker;
  });
}

/**
 * The processor, timed: how long the job waited once due (first attempts only: a retry's wait is
 * its backoff) and how long it ran, by outcome.
 */
function measured(queue: QueueName, processor: Processor, observer: JobObserver): Processor {
  return async (job, token, signal) => {
    if (job.attemptsMade === 0 && job.processedOn) observer.waited(queue, Math.max(0, job.processedOn - job.timestamp - (job.delay ?? 0)) / 1000);
    const start = performance.now();
    let outcome: 'completed' | 'failed' = 'failed';
    try {
      const result = await processor(job, token, signal);
      outcome = 'completed';
      return result;
    } finally {
      observer.ran(queue, job.name, outcome, (performance.now() - start) / 1000);
    }
  };
}
