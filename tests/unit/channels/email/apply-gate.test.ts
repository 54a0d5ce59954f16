import { ApplyGate } from '../../../../src/channels/email/apply-gate';

/** A promise settled from outside, and whether it has settled. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
function tracked(p: Promise<void>) {
  const t = { done: false, promise: p.then(() => void (t.done = true)) };
  return t;
}
/** lets every pending promise callback run (no timer: the gate's own wait is far longer) */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('ApplyGate', () => {
  it('lets a mail on at once when no other is being parsed', async () => {
    const gate = new ApplyGate();
    await gate.parse(async () => 'parsed');
    const go = tracked(gate.ready());
    await settle();
    expect(go.done).toBe(true);
  });

  it('holds a parsed mail while another is parsed, then lets both on together', async () => {
    const gate = new ApplyGate({ maxWaitMs: 60_000 });
    const a = deferred();
    const b = deferred();
    const parsedA = gate.parse(() => a.promise);
    const parsedB = gate.parse(() => b.promise);
    a.resolve();
    await parsedA;
    const goA = tracked(gate.ready());
    await settle();
    expect(goA.done).toBe(false);
    b.resolve();
    await parsedB;
    const goB = tracked(gate.ready());
    await settle();
    expect([goA.done, goB.done]).toEqual([true, true]);
  });

  it('lets a full batch on while others are still being parsed, and a failed parse counts as finished', async () => {
    const gate = new ApplyGate({ maxBatch: 2, maxWaitMs: 60_000 });
    const slow = deferred();
    const parsing = gate.parse(() => slow.promise);
    await gate.parse(async () => 1);
    await gate.parse(async () => 2);
    const first = tracked(gate.ready());
    await settle();
    expect(first.done).toBe(false);
    const second = tracked(gate.ready());
    await settle();
    expect([first.done, second.done]).toEqual([true, true]);
    // the slow one fails: nothing is left waiting for it
    const third = deferred();
    const failing = gate.parse(() => third.promise.then(() => Promise.reject(new Error('unparseable'))));
    await gate.parse(async () => 3);
    const held = tracked(gate.ready());
    slow.resolve();
    await parsing;
    await settle();
    expect(held.done).toBe(false); // the failing one is still in the pool
    third.resolve();
    await expect(failing).rejects.toThrow('unparseable');
    await settle();
    expect(held.done).toBe(true);
  });

  it('lets a held mail on after the longest wait even if the others are still being parsed', async () => {
    jest.useFakeTimers();
    try {
      const gate = new ApplyGate({ maxWaitMs: 50 });
      const slow = deferred();
      void gate.parse(() => slow.promise);
      await gate.parse(async () => 1);
      const go = tracked(gate.ready());
      await settle();
      expect(go.done).toBe(false);
      jest.advanceTimersByTime(50);
      await settle();
      expect(go.done).toBe(true);
      slow.resolve();
    } finally {
      jest.useRealTimers();
    }
  });
});
