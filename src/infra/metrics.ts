import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Server } from 'socket.io';
import { type JobObserver, QUEUE_NAMES, type Queues } from './queues';


/**
 * The Prometheus metrics of one process, in a registry of its own (no prom-client global: tests
 * run several API nodes in one process). Counters and histograms are updated where things happen
 * (HTTP middleware, the job wrapper, mail intake); gauges are read from Redis and Socket.IO when
 * Prometheus scrapes. Every name is listed in METRIC_NAMES, which the Grafana dashboard test checks
 * its expressions against.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'aftercare_http_request_duration_seconds',
    help: 'HTTP requests by route pattern (not raw path), method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'aftercare_job_duration_seconds',
    help: 'BullMQ job processing time by queue, job name and outcome',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly jobWait = new Histogram({
    name: 'aftercare_job_wait_seconds',
    help: 'Time a job waited between being due (added, or its delay ran out) and a worker taking it',
    labelNames: ['queue'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly mailAccepted = new Counter({
    name: 'aftercare_mail_accepted_total',
    help: 'Inbound mails stored durably and queued (SMTP 250 or webhook 202), by door',
    labelNames: ['via'] as const,
    registers: [this.registry],
  });

  readonly mailIngested = new Counter({
    name: 'aftercare_mail_ingested_total',
    help: 'Inbound mails the workers finished: created a ticket, threaded into one, or were a duplicate, ignored (auto-reply, bounce) or unparseable',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** what the BullMQ workers report, into the two job histograms */
  readonly jobs: JobObserver = {
    waited: (queue, seconds) => this.jobWait.observe({ queue }, seconds),
    ran: (queue, name, outcome, seconds) => this.jobDuration.observe({ queue, name, outcome }, seconds),
  };

  constructor(opts: { processMetrics: boolean }) {
    // process CPU and memory, heap, GC, event-loop lag (nodejs_eventloop_lag_*): only where scraped
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
  }

  /** Queue depths per queue and state, and SLA timers pending, read from Redis at each scrape. */
  observeQueues(queues: Queues): void {
    const counts = async () =>
      Promise.all(QUEUE_NAMES.map(async (name) => [name, await queues.get(name).getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')] as const));
    new Gauge({
      name: 'aftercare_queue_jobs',
      help: 'BullMQ jobs by queue and state (waiting includes prioritized)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        const byQueue = await counts().catch(() => []); // Redis away: no figures rather than a failed scrape
        for (const [queue, c] of byQueue) {
          this.set({ queue, state: 'waiting' }, (c.waiting ?? 0) + (c.prioritized ?? 0));
          for (const state of ['delayed', 'active', 'failed']) this.set({ queue, state }, c[state] ?? 0);
        }
      },
    });
    new Gauge({
      name: 'aftercare_sla_timers_pending',
      help: 'SLA timers waiting to fire (live tickets in the SLA timer set, src/infra/timer-set.ts)',
      registers: [this.registry],
      async collect() {
        const n = await queues.connection.zcard(`${queues.prefix}:due:sla`).catch(() => null);
        if (n !== null) this.set(n);
      },
    });
  }

  private sockets: Server | null = null;

  /** Connected sockets per Socket.IO namespace of this process (the latest server given). */
  observeSockets(io: Server): void {
    if (!this.sockets) {
      const metrics = this;
      new Gauge({
        name: 'aftercare_socket_connections',
        help: 'Connected Socket.IO sockets of this process by namespace',
        labelNames: ['namespace'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [name, nsp] of metrics.sockets?._nsps ?? []) this.set({ namespace: name }, nsp.sockets.size);
        },
      });
    }
    this.sockets = io;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** How a finished `mail-in` job ended, from what the inbound-mail processor answered. */
export function mailOutcome(result: unknown): string {
  const r = (result ?? {}) as { created?: boolean; ticket?: unknown; duplicate?: boolean; ignored?: unknown; failed?: unknown };
  if (r.failed) return 'failed';
  if (r.ignored) return 'ignored';
  if (r.duplicate) return 'duplicate';
  if (r.created) return 'created';
  return r.ticket !== undefined ? 'threaded' : 'ignored';
}

/**
 * Every metric name the application exports (histograms add _bucket, _sum and _count). The
 * default process metrics are prom-client's: process_cpu_seconds_total, process_resident_memory_bytes,
 * nodejs_eventloop_lag_seconds, nodejs_eventloop_lag_p99_seconds, nodejs_heap_size_used_bytes and more.
 */
export const METRIC_NAMES = [
  'aftercare_http_request_duration_seconds',
  'aftercare_job_duration_seconds',
  'aftercare_job_wait_seconds',
  'aftercare_mail_accepted_total',
  'aftercare_mail_ingested_total',
  'aftercare_queue_jobs',
  'aftercare_sla_timers_pending',
  'aftercare_socket_connections',
] as const;
