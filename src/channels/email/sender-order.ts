/**
 * Per-sender order for work that runs in parallel: mails are parsed concurrently (in the parse
 * pool), but a sender's mails are applied to tickets in the order their jobs started, so that a
 * customer's reply never lands before the mail it answers, nor two of their mails open two tickets.
 * `enter(key)` is called when a job starts (jobs start in queue order) and answers a turn: `wait()`
 * resolves once every earlier turn of the same key is done, `done()` ends this one.
 */
export class SenderOrder {
  private readonly tails = new Map<string, Promise<void>>();

  enter(key: string): { wait(): Promise<void>; done(): void } {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let finish!: () => void;
    const mine = new Promise<void>((resolve) => (finish = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    let ended = false;
    return {
      wait: () => previous,
      done: () => {
        if (ended) return;
        ended = true;
        finish();
        // the last turn of a key forgets it, so keys do not pile up
        void tail.then(() => {
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
      },
    };
  }

  /** keys with turns outstanding (for tests and metrics) */
  get size(): number {
    return this.tails.size;
  }
}
