/**
 * The last of what was put under each key within a short window, handed on once when the window
 * closes (issue #23: a chat burst on one ticket tells the agents once, not once per message). The
 * window opens with the first put after a flush, so nothing waits longer than `ms`; `drop` forgets
 * a key whose fresher news went out another way.
 */
export class Coalescer<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ms: number,
    private readonly emit: (key: string, value: T) => void,
  ) {}

  put(key: string, value: T): void {
    this.pending.delete(key); // re-inserted: keys go out in the order of their last news
    this.pending.set(key, value);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.ms);
      this.timer.unref?.();
    }
  }

  has(key: string): boolean {
    return this.pending.has(key);
  }

  drop(key: string): void {
    this.pending.delete(key);
  }

  /** Hands on everything pending now (the timer, or a shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    for (const [key, value] of batch) this.emit(key, value);
  }
}
