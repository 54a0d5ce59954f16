/** The time source, injected everywhere so tests move the clock instead of waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance; it still ticks with real time between moves so timers keep working. */
export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  set(date: Date | string): void {
    this.offsetMs = new Date(date).getTime() - Date.now();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
