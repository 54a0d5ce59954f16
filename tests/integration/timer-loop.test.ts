import crypto from 'node:crypto';
import { systemClock } from '../../src/infra/clock';
import { createRedis, RedisClient, waitReady } from '../../src/infra/redis';
import { TimerLoop } from '../../src/infra/timer-loop';
import { TimerSet } from '../../src/infra/timer-set';
import { createLogger } from '../../src/logger';
import { eventually, storeUrls } from '../helpers/harness';

/**
 * The timer set and its loop on a real Redis: two loops (two workers processes, each on its own
 * connections) claim due entries atomically, a claim that is never re-planned comes back when its
 * lease ends, an earlier time written while a loop sleeps wakes it, and an older revision never
 * moves a newer one's time.
 */
describe('timer set and timer loop', () => {
  const log = createLogger('silent');
  const clients: RedisClient[] = [];
  const loops: TimerLoop[] = [];
  const redis = () => {
    const c = createRedis(storeUrls('unused').redis, 'command', log);
    clients.push(c);
    return c;
  };
  /** a timer set of its own prefix, and the same set seen from another connection (another process) */
  const freshSets = async () => {
    const prefix = `{tl${crypto.randomBytes(4).toString('hex')}}`;
    const [a, b] = [redis(), redis()];
    await Promise.all([waitReady(a), waitReady(b)]);
    return { set: new TimerSet(a, prefix, 'test'), other: new TimerSet(b, prefix, 'test'), key: `${prefix}:due:test`, c: a };
  };
  const loop = (set: TimerSet, fire: (id: string) => Promise<unknown>, extra: { leaseMs?: number; maxSleepMs?: number; concurrency?: number } = {}) => {
    const l = new TimerLoop({ set, clock: systemClock, fire, subscriber: () => createRedis(storeUrls('unused').redis, 'subscriber', log), log, concurrency: extra.concurrency ?? 16, leaseMs: extra.leaseMs ?? 30_000, maxSleepMs: extra.maxSleepMs });
    loops.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  });

  it('two loops on their own connections fire every due entry exactly once', async () => {
    const { set, other } = await freshSets();
    const now = Date.now();
    const ids = Array.from({ length: 300 }, (_, i) => `t${i}`);
    await Promise.all(ids.map((id, i) => set.put(id, now - 1000 + i, 1)));
    const fired: string[][] = [[], []];
    // each evaluation re-plans its id to none, as the SLA check does
    const fireInto = (n: number, s: TimerSet) => async (id: string) => {
      fired[n].push(id);
      await new Promise((r) => setImmediate(r));
      await s.put(id, null, 1);
    };
    await Promise.all([loop(set, fireInto(0, set), { concurrency: 8 }).start(), loop(other, fireInto(1, other), { concurrency: 8 }).start()]);
    await eventually(async () => fired[0].length + fired[1].length >= ids.length && (await set.size()) === 0, 15_000);
    const all = [...fired[0], ...fired[1]];
    expect(all).toHaveLength(ids.length);
    expect(new Set(all).size).toBe(ids.length);
    expect(fired[0].length).toBeGreaterThan(0);
    expect(fired[1].length).toBeGreaterThan(0);
  });

  it('claims concurrently from two connections never hand one entry to both', async () => {
    const { set, other } = await freshSets();
    const now = Date.now();
    await Promise.all(Array.from({ length: 100 }, (_, i) => set.put(`c${i}`, now - 500, 1)));
    const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? set : other).claim(now, 7, now + 30_000)));
    const got = claims.flatMap((c) => c.ids);
    expect(got).toHaveLength(100);
    expect(new Set(got).size).toBe(100);
  });

  it('an entry whose claimer died (never re-planned) comes back when its lease ends, and is fired again', async () => {
    const { set } = await freshSets();
    const now = Date.now();
    await set.put('crashy', now - 10, 3);
    // a process claims it with a 1.5 s lease and dies before it evaluates
    const leaseEnd = now + 1500;
    expect((await set.claim(now, 10, leaseEnd)).ids).toEqual(['crashy']);
    const fired: number[] = [];
    await loop(set, async (id) => {
      fired.push(Date.now());
      await set.put(id, null, 3);
    }).start();
    await eventually(async () => fired.length > 0, 10_000);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(leaseEnd);
    expect(await set.size()).toBe(0);
  });

  it('a loop sleeping until a far time wakes for an earlier one written meanwhile', async () => {
    const { set } = await freshSets();
    const fired: [string, number][] = [];
    await set.put('far', Date.now() + 3600_000, 1);
    // no periodic wake-up to speak of: only the nudge of the earlier write can wake it in time
    const claim = set.claim.bind(set);
    let firstClaim!: () => void;
    const claimed = new Promise<void>((r) => (firstClaim = r));
    set.claim = async (...args) => {
      const out = await claim(...args);
      firstClaim();
      return out;
    };
    await loop(set, async (id) => void fired.push([id, Date.now()]), { maxSleepMs: 120_000 }).start();
    await claimed; // the loop found nothing due and sleeps towards 'far'
    const due = Date.now() + 300;
    await set.put('soon', due, 1);
    await eventually(async () => fired.length > 0, 10_000);
    expect(fired[0][0]).toBe('soon');
    expect(fired[0][1]).toBeGreaterThanOrEqual(due);
    expect(fired[0][1] - due).toBeLessThan(5_000);
  });

  it('an older revision never moves a newer revision\'s time; a repair only adds what is missing', async () => {
    const { set, key, c } = await freshSets();
    expect(await set.put('x', 5000, 7)).toBe(true);
    expect(await set.put('x', 9000, 6)).toBe(false); // a late write of revision 6
    expect(Number(await c.zscore(key, 'x'))).toBe(5000);
    expect(await set.put('x', 4000, 7)).toBe(true); // the evaluator releasing its claim at the revision it read
    expect(Number(await c.zscore(key, 'x'))).toBe(4000);
    const leased = await set.claim(4000, 1, 99_000);
    expect(leased.ids).toEqual(['x']);
    expect(await set.repairMany([['x', 4000, 7], ['y', 6000, 1]])).toEqual([['y', 6000, 1]]); // the lease stands
    expect(Number(await c.zscore(key, 'x'))).toBe(99_000);
    expect(await set.put('x', null, 8)).toBe(true);
    expect(await c.zscore(key, 'x')).toBeNull();
  });
});
