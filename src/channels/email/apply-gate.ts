/** At most this many parsed mails are held for one batch. */
const MAX_BATCH = 16;
/** A parsed mail waits at most this long for the others being parsed. */
const MAX_WAIT_MS = 60;

/**
 * Gathers the mails that leave the parse pool close together, so that they are applied in the
 * same turn of the event loop and their writes share commands (issue #23: the group commits and
 * the by-id reads batch only what arrives together, and the pool hands mails back one at a time).
 * A parsed mail waits only while other mails are still being parsed, at most MAX_WAIT_MS and
 * until MAX_BATCH are waiting; alone (nothing else in the pool), it goes on at once. Nothing is
 * acknowledged or stored while it waits: the job is still running.
 */
export class ApplyGate {
  private parsing = 0;
  private waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: { maxBatch?: number; maxWaitMs?: number } = {}) {}

  /** Counts a parse in flight until `done` is called (once, whatever its outcome). */
  parse<T>(run: () => Promise<T>): Promise<T> {
    this.parsing++;
    return run().finally(() => {
      this.parsing--;
      if (!this.parsing) this.release();
    });
  }

  /** Resolves when this mail's batch goes on (at once when no other mail is being parsed). */
  ready(): Promise<void> {
    if (!this.parsing && !this.waiting.length) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.parsing || this.waiting.length >= (this.opts.maxBatch ?? MAX_BATCH)) this.release();
      else this.timer ??= setTimeout(() => this.release(), this.opts.maxWaitMs ?? MAX_WAIT_MS);
    });
  }

  private release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const go = this.waiting.splice(0);
    for (const resolve of go) resolve();
  }
}
