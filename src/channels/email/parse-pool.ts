import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import type { Logger } from '../../logger';
import type { ParsedMessage, ParseTask } from './parse-task';

export type { ParsedMessage } from './parse-task';

export interface ParsePoolOptions {
  /** worker threads; 0 or less: one per CPU but one (os.availableParallelism − 1, at least one) */
  threads: number;
  /** the data dir whose attachment store receives mails' parts */
  dataDir: string;
  /** a mail still being parsed after this is given up (its thread is stopped) */
  timeoutMs?: number;
  /**
   * Each thread's V8 heap bound (old generation, MB; `resourceLimits.maxOldGenerationSizeMb`). A mail
   * whose parse needs more stops its thread, not the process: that mail's parse rejects with
   * MailParseOutOfMemoryError and the next mail gets a new thread. 0 or absent: V8's own bound.
   * A `--max-old-space-size` of the process overrides it (V8 applies the flag to every isolate, over
   * a Worker's resourceLimits): the threads then get the process's bound, still each its own heap.
   */
  heapMb?: number;
  log: Logger;
}

/** What parsing costs at most: longer is a mail the parser cannot cope with, not a busy machine. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** A mail whose parse needed more heap than a parse thread may have (ParsePoolOptions.heapMb). */
export class MailParseOutOfMemoryError extends Error {
  readonly code = 'MAIL_PARSE_OUT_OF_MEMORY';
  constructor(heapMb: number, cause: Error) {
    super(`parsing needed more than the parse thread's ${heapMb} MB heap`, { cause });
    this.name = 'MailParseOutOfMemoryError';
  }
}

/**
 * Mail parsing off the event loop: a pool of worker threads (piscina) that parse stored raw mails,
 * trim quotes and sanitise HTML, so that a hostile or huge mail never holds up the timers, sockets
 * and jobs of the process that asked. `parse(file)` is the whole interface: the same async call
 * whether a pool or a test runs it. Threads start on demand and stop when idle.
 */
export class MailParsePool {
  private pool: Piscina | null = null;
  private readonly threads: number;

  constructor(private readonly opts: ParsePoolOptions) {
    // the event loop that asks keeps a core; each thread is an isolate of its own (~30 MB)
    this.threads = opts.threads > 0 ? opts.threads : Math.max(1, os.availableParallelism() - 1);
  }

  get size(): number {
    return this.threads;
  }

  private get piscina(): Piscina {
    if (!this.pool) {
      this.pool = new Piscina({
        filename: path.join(__dirname, 'parse-worker.mjs'),
        minThreads: 0,
        maxThreads: this.threads,
        idleTimeout: 30_000,
        // tasks do file I/O and await it all; no thread is parked between tasks
        atomics: 'disabled',
        ...(this.opts.heapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb } } : {}),
      });
      this.pool.on('error', (err: Error) => this.opts.log.error({ err }, 'mail parse pool error'));
    }
    return this.pool;
  }

  /** Parses a stored raw mail in a worker thread; rejects when it cannot be parsed or takes too long. */
  async parse(file: string): Promise<ParsedMessage> {
    const task: ParseTask = { file, dataDir: this.opts.dataDir };
    try {
      return (await this.piscina.run(task, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) })) as ParsedMessage;
    } catch (err) {
      // the thread hit its heap bound (Node stops that thread alone; piscina starts another)
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new MailParseOutOfMemoryError(this.opts.heapMb ?? 0, err as Error);
      throw err;
    }
  }

  /** What the pool has done since it started: mails parsed, time in a thread and waiting for one (ms). */
  stats(): { threads: number; completed: number; runMs: { mean: number; p50: number; p99: number }; waitMs: { mean: number; p99: number } } {
    const h = this.pool?.histogram;
    return {
      threads: this.threads,
      completed: this.pool?.completed ?? 0,
      runMs: { mean: h?.runTime.mean ?? 0, p50: h?.runTime.p50 ?? 0, p99: h?.runTime.p99 ?? 0 },
      waitMs: { mean: h?.waitTime.mean ?? 0, p99: h?.waitTime.p99 ?? 0 },
    };
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
