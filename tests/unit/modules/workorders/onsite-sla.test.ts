import { DEMO_CALENDAR } from '../../../../src/modules/sla/sla.seed';
import type { Ctx } from '../../../../src/modules/sla/sla-state';
import { arrived, dispatched, emptyOnSite, evaluateOnSite, halted, nextOnSiteCheck, onSiteTimers, relaid, rescheduled } from '../../../../src/modules/workorders/onsite-sla';

const H = 3600_000;
const STEP = H;
const ctx = (iso: string, calendar = DEMO_CALENDAR as Ctx['calendar']): Ctx => ({ now: new Date(iso), calendar, warningRatio: 0.8 });
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

describe('on-site target (pure)', () => {
  it('starts at the first dispatch in business hours and keeps running through a re-dispatch', () => {
    const s = dispatched(emptyOnSite(), 4 * H, 'business-hours', false, ctx('2031-03-07T08:30:00Z')); // Fri 16:30 Shanghai
    expect(iso(s.onSite!.dueAt)).toBe('2031-03-08T03:30:00.000Z'); // Sat 11:30
    expect(iso(s.onSite!.warnAt)).toBe('2031-03-08T02:42:00.000Z'); // 80 %: 3 h 12 min of business time
    const again = dispatched(s, 4 * H, 'business-hours', false, ctx('2031-03-08T01:00:00Z'));
    expect(again).toBe(s);
  });

  it('an emergency runs around the clock; turning it into one keeps the time spent', () => {
    const night = dispatched(emptyOnSite(), 4 * H, null, true, ctx('2031-03-04T18:00:00Z', null));
    expect(iso(night.onSite!.dueAt)).toBe('2031-03-04T22:00:00.000Z');
    const normal = dispatched(emptyOnSite(), 4 * H, 'business-hours', false, ctx('2031-03-03T02:00:00Z')); // Mon 10:00
    const urgent = relaid(normal, 4 * H, null, true, ctx('2031-03-03T03:00:00Z', null), DEMO_CALENDAR); // an hour later
    expect(urgent.emergency).toBe(true);
    expect(iso(urgent.onSite!.dueAt)).toBe('2031-03-03T06:00:00.000Z'); // 3 h left, around the clock
  });

  it('warns, breaches, escalates one level per step, and a second evaluation finds nothing', () => {
    const s = dispatched(emptyOnSite(), 4 * H, null, true, ctx('2031-03-04T18:00:00Z', null));
    const w = evaluateOnSite(s, STEP, ctx('2031-03-04T21:13:00Z', null));
    expect(w.events).toEqual([{ kind: 'warning', level: 0, dueAt: s.onSite!.dueAt }]);
    expect(evaluateOnSite(w.sla, STEP, ctx('2031-03-04T21:14:00Z', null)).events).toEqual([]);
    const b = evaluateOnSite(w.sla, STEP, ctx('2031-03-04T22:00:00Z', null));
    expect(b.events).toEqual([{ kind: 'breach', level: 1, dueAt: s.onSite!.dueAt }]);
    expect(b.sla.onSite!.status).toBe('breached');
    expect(iso(nextOnSiteCheck(b.sla))).toBe('2031-03-04T23:00:00.000Z');
    const l2 = evaluateOnSite(b.sla, STEP, ctx('2031-03-04T23:00:00Z', null));
    expect(l2.events.map((e) => e.level)).toEqual([2]);
    const l3 = evaluateOnSite(l2.sla, STEP, ctx('2031-03-05T00:00:00Z', null));
    expect(l3.events.map((e) => e.level)).toEqual([3]);
    expect(l3.sla.nextEscalation).toBeNull();
    expect(evaluateOnSite(l3.sla, STEP, ctx('2031-03-05T05:00:00Z', null)).events).toEqual([]);
    const there = arrived(l2.sla, ctx('2031-03-04T23:30:00Z', null));
    expect(there.onSite).toMatchObject({ status: 'breached', completedAt: new Date('2031-03-04T23:30:00Z') });
    expect(onSiteTimers('w', there).size).toBe(0);
  });

  it('an arrival in time is a hit; a cancellation stops the clock', () => {
    const s = dispatched(emptyOnSite(), 4 * H, null, true, ctx('2031-03-04T18:00:00Z', null));
    expect(arrived(s, ctx('2031-03-04T20:00:00Z', null)).onSite!.status).toBe('hit');
    const stopped = halted(s, ctx('2031-03-04T19:00:00Z', null));
    expect(stopped.onSite!.status).toBe('paused');
    expect(onSiteTimers('w', stopped).size).toBe(0);
  });

  it('a customer\'s reschedule pauses until the new window, then runs with what was left', () => {
    const s = dispatched(emptyOnSite(), 4 * H, 'business-hours', false, ctx('2031-03-10T02:00:00Z')); // Mon 10:00
    const p = rescheduled(s, new Date('2031-03-11T06:00:00Z'), ctx('2031-03-10T03:00:00Z')); // asks at 11:00 for Tue 14:00
    expect(p.onSite).toMatchObject({ status: 'paused', dueAt: null, elapsedMs: H });
    expect([...onSiteTimers('w', p).entries()]).toEqual([['wo-onsite-resume-w', Date.parse('2031-03-11T06:00:00Z')]]);
    expect(evaluateOnSite(p, STEP, ctx('2031-03-11T05:00:00Z')).sla.onSite!.status).toBe('paused');
    const r = evaluateOnSite(p, STEP, ctx('2031-03-11T06:00:00Z')).sla;
    expect(r.onSite!.status).toBe('active');
    expect(iso(r.onSite!.dueAt)).toBe('2031-03-11T09:00:00.000Z'); // 14:00 + 3 h
  });
});
