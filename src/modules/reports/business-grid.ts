/**
 * Business time for many tickets at once. Asking the calendar for each ticket's span walks its
 * days every time (a year's report asks 200 000 times); instead the span of the report is cut into
 * hour cells, each cell asked once, and a running sum answers any pair of instants in O(1). A cell
 * where the calendar opens or closes inside the hour (09:30, a lunch break) is asked again for the
 * part needed, so the answer stays exactly the calendar's own.
 */
const CELL_MS = 3600_000;
/** beyond this many cells (~3 years) from the start, ask the calendar directly */
const MAX_CELLS = 3 * 366 * 24;

const CLOSED = 0;
const OPEN = 1;
const MIXED = 2;

export type Between = (a: Date, b: Date) => number;

export class BusinessGrid {
  private readonly origin: number;
  /** cum[i]: business ms from origin to the start of cell i */
  private readonly cum: number[] = [0];
  private readonly kind: number[] = [];

  constructor(
    private readonly between: Between,
    start: Date,
  ) {
    this.origin = Math.floor(start.getTime() / CELL_MS) * CELL_MS;
  }

  /** Business ms from a to b (0 when b is not after a). */
  ms(a: Date, b: Date): number {
    const ta = a.getTime();
    const tb = b.getTime();
    if (tb <= ta) return 0;
    const ba = this.at(ta);
    const bb = this.at(tb);
    if (ba === null || bb === null) return this.between(a, b);
    return Math.max(0, bb - ba);
  }

  /** Business ms from origin to t, or null outside the grid. */
  private at(t: number): number | null {
    if (t < this.origin) return null;
    const i = Math.floor((t - this.origin) / CELL_MS);
    if (i >= MAX_CELLS) return null;
    this.extend(i);
    const cellStart = this.origin + i * CELL_MS;
    const k = this.kind[i];
    if (k === CLOSED) return this.cum[i];
    if (k === OPEN) return this.cum[i] + (t - cellStart);
    return this.cum[i] + this.between(new Date(cellStart), new Date(t));
  }

  private extend(i: number): void {
    for (let j = this.kind.length; j <= i; j++) {
      const s = this.origin + j * CELL_MS;
      const v = this.between(new Date(s), new Date(s + CELL_MS));
      this.kind.push(v === 0 ? CLOSED : v === CELL_MS ? OPEN : MIXED);
      this.cum.push(this.cum[j] + v);
    }
  }
}
