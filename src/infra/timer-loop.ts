import type { Clock } from './clock';
import type { Logger } from '../logger';
import type { RedisClient } from './redis';
import type { TimerSet } from './timer-set';

export interface TimerLoopOptions {
  set: TimerSet;
  clock: Clock;
  /**
   * Evaluates one claimed id. It must re-plan the id (TimerSet.put with its next time, or null)
   * before it resolves; an id it leaves claimed comes back when the lease ends.
   */
  fire: (id: string) => Promise<unknown>;
  /** a new connection for the nudges (Pub/Sub needs its own) */
  subscriber: () => RedisClient;
  log: Logger;
  /** evaluations at once in this process */
  concurrency: number;
  /** how long a claim holds an id before another process may take it (a crash mid-evaluation) */
  leaseMs: number;
  /** the longest sleep between claims (default 1 s): a missed nudge, a moved clock or another process's lease end costs at most this */
  maxSleepMs?: number;
}

const MAX_SLEEP_MS = 1_000;
/** after a failed claim (Redis away) */
const RETRY_MS = 1_000;

/**
 * The timer loop of a workers process: sleeps until the earliest due time in the set (woken early
 * when a write publishes an earlier one), claims what is due atomically across processes — each id
 * leased, so a process that dies mid-evaluation loses nothing — and evaluates up to `concurrency`
 * ids at once. A claim takes only as many ids as there are free slots, so a claimed id is always
 * being evaluated and a burst spreads over the processes that have room.
 */
export class TimerLoop {
  private running = 0;
  private stopped = true;
  private nudged = false;
  private wake: (() => void) | null = null;
  private sub: RedisClient | null = null;
  private loop: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  /** the last claim found nothing due */
  private drained = true;
  /** the loop sleeps because every slot is taken: the first evaluation to finish wakes it */
  private full = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: TimerLoopOptions) {}

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    const sub = this.o.subscriber();
    this.sub = sub;
    sub.on('message', () => this.nudge());
    await sub.subscribe(this.o.set.nudges);
    this.loop = this.run();
  }

  /** Stops claiming and waits for the evaluations under way. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.nudge();
    this.settle();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    const sub = this.sub;
    this.sub = null;
    await sub?.quit().catch(() => sub.disconnect());
  }

  /** Evaluations under way in this process. */
  get busy(): number {
    return this.running;
  }

  /**
   * Resolves once this loop has nothing due and nothing under way (at once when stopped), or
   * after `maxWaitMs`: what can wait a little (an escalation's mails and timeline line) waits for
   * a burst of due timers to be evaluated first, never longer than that.
   */
  async idle(maxWaitMs: number): Promise<void> {
    if (this.isIdle() || maxWaitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, maxWaitMs);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private isIdle(): boolean {
    return this.stopped || (this.running === 0 && this.drained);
  }

  private settle(): void {
    if (!this.isIdle() || !this.idleWaiters.length) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private nudge(): void {
    this.nudged = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.nudged = false;
      const longest = this.o.maxSleepMs ?? MAX_SLEEP_MS;
      let sleep = longest;
      const free = this.o.concurrency - this.running;
      if (free > 0) {
        try {
          const now = this.o.clock.now().getTime();
          const { ids, next } = await this.o.set.claim(now, free, now + this.o.leaseMs);
          for (const id of ids) this.fire(id);
          this.drained = ids.length === 0;
          this.settle();
          // fewer due than slots: sleep until the earliest time left; every slot asked for was
          // filled: claim again at once if one opened during the claim, else the first to finish wakes the loop
          if (ids.length < free) {
            if (next !== null) sleep = Math.min(longest, next - this.o.clock.now().getTime());
          } else if (this.running < this.o.concurrency) sleep = 0;
        } catch (err) {
          if (!this.stopped) this.o.log.warn({ err: (err as Error).message }, 'timer claim failed; retrying');
          sleep = RETRY_MS;
        }
      }
      this.full = this.running >= this.o.concurrency;
      if (this.stopped || this.nudged || sleep <= 0) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.wake = null;
          resolve();
        }, sleep);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private fire(id: string): void {
    this.running++;
    const p: Promise<void> = this.o
      .fire(id)
      .then(
        () => undefined,
        (err: Error) => this.o.log.warn({ id, err: err.message }, 'timer evaluation failed; it comes back when its lease ends'),
      )
      .finally(() => {
        this.running--;
        this.inFlight.delete(p);
        this.settle();
        if (this.full) {
          // a slot opened while all were taken (whenever it opened: not only the last one taken)
          this.full = false;
          this.nudge();
        }
      });
    this.inFlight.add(p);
  }
}
