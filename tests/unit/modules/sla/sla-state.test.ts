import { CalendarSpec } from '../../../../src/modules/calendars/business-time';
import { DEMO_CALENDAR } from '../../../../src/modules/sla/sla.seed';
import { agentReplied, applyPolicy, customerWrote, evaluate, nextCheck, PolicyLike, reconcile, SlaState } from '../../../../src/modules/sla/sla-state';

const M = 60_000;
const H = 60 * M;
const sh = (local: string) => new Date(`${local}+08:00`);

/** A clock the test moves by hand; every transition reads it. */
function movedClock(start: Date) {
  let now = start.getTime();
  return {
    ctx: (calendar: CalendarSpec | null = null) => ({ now: new Date(now), calendar, warningRatio: 0.8 }),
    advance: (ms: number) => void (now += ms),
    set: (d: Date) => void (now = d.getTime()),
    now: () => new Date(now),
  };
}

const urgent: PolicyLike = { id: 'p1', name: 'Emergency', calendar: null, targets: { firstResponse: 'PT15M', nextResponse: 'PT30M', resolution: 'PT4H' } };

describe('the applied SLA, with a moved clock', () => {
  it('applies a 24x7 policy: due times, warning at 80 %, no next response yet', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    const sla = applyPolicy(null, urgent, { status: 'new', createdAt: clock.now() }, clock.ctx());
    expect(sla.firstResponse).toMatchObject({ status: 'active', targetMs: 15 * M, elapsedMs: 0 });
    expect(sla.firstResponse!.dueAt).toEqual(new Date('2026-03-02T02:15:00Z'));
    expect(sla.firstResponse!.warnAt).toEqual(new Date('2026-03-02T02:12:00Z'));
    expect(sla.resolution!.dueAt).toEqual(new Date('2026-03-02T06:00:00Z'));
    expect(sla.nextResponse).toBeFalsy();
    expect(nextCheck(sla)).toEqual(new Date('2026-03-02T02:12:00Z'));
  });

  it('pauses while pending and resumes with the time that was left', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    let sla = applyPolicy(null, urgent, { status: 'new', createdAt: clock.now() }, clock.ctx());
    clock.advance(5 * M);
    sla = reconcile(sla, 'pending', clock.ctx());
    expect(sla.firstResponse).toMatchObject({ status: 'paused', elapsedMs: 5 * M, dueAt: null });
    expect(sla.pausedAt).toEqual(clock.now());
    expect(nextCheck(sla)).toBeNull(); // no timer while paused
    clock.advance(60 * M); // an hour waiting for the customer does not count
    sla = reconcile(sla, 'open', clock.ctx());
    expect(sla.firstResponse!.status).toBe('active');
    expect(sla.firstResponse!.dueAt).toEqual(new Date('2026-03-02T03:15:00Z')); // 15 min moved by the 60 paused
    expect(sla.resolution!.dueAt).toEqual(new Date('2026-03-02T07:00:00Z'));
    expect(sla.pausedAt).toBeNull();
  });

  it('pauses on business time: the lunch break and the pause both do not count', () => {
    const clock = movedClock(sh('2026-03-02T11:00'));
    const office: PolicyLike = { id: 'p2', name: 'General', calendar: 'business-hours', targets: { firstResponse: 'PT1H' } };
    let sla = applyPolicy(null, office, { status: 'new', createdAt: clock.now() }, clock.ctx(DEMO_CALENDAR));
    expect(sla.firstResponse!.dueAt).toEqual(sh('2026-03-02T12:00')); // ends exactly at lunch
    clock.set(sh('2026-03-02T11:30'));
    sla = reconcile(sla, 'on_hold', clock.ctx(DEMO_CALENDAR));
    expect(sla.firstResponse!.elapsedMs).toBe(30 * M);
    clock.set(sh('2026-03-02T17:45'));
    sla = reconcile(sla, 'open', clock.ctx(DEMO_CALENDAR));
    expect(sla.firstResponse!.dueAt).toEqual(sh('2026-03-03T09:15')); // 15 min tonight, 15 tomorrow morning
  });

  it('only a reply meets a response target; a customer writing after a reply starts the next response', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    let sla = applyPolicy(null, urgent, { status: 'new', createdAt: clock.now() }, clock.ctx());
    clock.advance(2 * M);
    expect(customerWrote(sla, 'PT30M', clock.now(), null, clock.ctx())).toBe(sla); // nobody answered yet
    clock.advance(3 * M);
    sla = agentReplied(sla, clock.ctx());
    expect(sla.firstResponse).toMatchObject({ status: 'hit', elapsedMs: 5 * M, completedAt: clock.now() });
    expect(sla.resolution!.status).toBe('active');
    const repliedAt = clock.now();
    clock.advance(10 * M);
    sla = customerWrote(sla, 'PT30M', clock.now(), repliedAt, clock.ctx());
    expect(sla.nextResponse).toMatchObject({ status: 'active', dueAt: new Date(clock.now().getTime() + 30 * M) });
    const started = sla.nextResponse;
    clock.advance(M);
    expect(customerWrote(sla, 'PT30M', clock.now(), repliedAt, clock.ctx()).nextResponse).toBe(started); // a second message does not restart it
    sla = agentReplied(sla, clock.ctx());
    expect(sla.nextResponse!.status).toBe('hit');
  });

  it('evaluates warnings, the breach and the escalation levels once each', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    const step = 10 * M;
    let sla: SlaState = applyPolicy(null, { ...urgent, targets: { firstResponse: 'PT15M' } }, { status: 'new', createdAt: clock.now() }, clock.ctx());
    clock.advance(11 * M);
    expect(evaluate(sla, 'new', step, clock.ctx()).events).toEqual([]);
    clock.advance(M);
    let r = evaluate(sla, 'new', step, clock.ctx());
    expect(r.events).toEqual([{ target: 'firstResponse', kind: 'warning', level: 0, dueAt: sla.firstResponse!.dueAt }]);
    sla = r.sla;
    expect(evaluate(sla, 'new', step, clock.ctx()).events).toEqual([]); // idempotent
    clock.advance(3 * M);
    r = evaluate(sla, 'new', step, clock.ctx());
    expect(r.events).toMatchObject([{ target: 'firstResponse', kind: 'breach', level: 1 }]);
    sla = r.sla;
    expect(sla.firstResponse).toMatchObject({ status: 'breached', breachedAt: clock.now() });
    expect(sla.nextEscalation).toEqual({ level: 2, at: new Date(clock.now().getTime() + step) });
    expect(evaluate(sla, 'new', step, clock.ctx()).events).toEqual([]);
    clock.advance(step);
    r = evaluate(sla, 'new', step, clock.ctx());
    expect(r.events).toMatchObject([{ kind: 'breach', level: 2 }]);
    sla = r.sla;
    clock.advance(step);
    r = evaluate(sla, 'new', step, clock.ctx());
    expect(r.events).toMatchObject([{ kind: 'breach', level: 3 }]);
    expect(r.sla.nextEscalation).toBeNull();
    // a reply ends the chain: nothing more escalates
    let answered = agentReplied(sla, clock.ctx());
    answered = evaluate(answered, 'open', step, clock.ctx()).sla;
    expect(answered.nextEscalation).toBeNull();
    expect(answered.firstResponse).toMatchObject({ status: 'breached', completedAt: clock.now() });
  });

  it('a policy edit moves the deadline and keeps the time spent, paused time included', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    const oneHour: PolicyLike = { id: 'p3', name: 'X', calendar: null, targets: { firstResponse: 'PT1H' } };
    let sla = applyPolicy(null, oneHour, { status: 'new', createdAt: clock.now() }, clock.ctx());
    clock.advance(20 * M);
    sla = reconcile(sla, 'pending', clock.ctx());
    clock.advance(30 * M);
    sla = reconcile(sla, 'open', clock.ctx());
    clock.advance(10 * M); // 30 min spent, 30 paused
    sla = applyPolicy(sla, { ...oneHour, targets: { firstResponse: 'PT2H' } }, { status: 'open', createdAt: new Date('2026-03-02T02:00:00Z') }, clock.ctx());
    expect(sla.firstResponse).toMatchObject({ status: 'active', targetMs: 2 * H, elapsedMs: 30 * M });
    expect(sla.firstResponse!.dueAt).toEqual(new Date(clock.now().getTime() + 90 * M));
    // tightened below the time spent: due at once, the evaluator breaches it
    sla = applyPolicy(sla, { ...oneHour, targets: { firstResponse: 'PT20M' } }, { status: 'open', createdAt: new Date('2026-03-02T02:00:00Z') }, clock.ctx());
    expect(sla.firstResponse!.dueAt).toEqual(clock.now());
    expect(evaluate(sla, 'open', H, clock.ctx()).events).toMatchObject([{ kind: 'breach', level: 1 }]);
  });

  it('a calendar edit measures the time spent on the old hours and the rest on the new', () => {
    const clock = movedClock(sh('2026-03-02T09:00'));
    const p: PolicyLike = { id: 'p4', name: 'Office', calendar: 'office', targets: { firstResponse: 'PT4H' } };
    const before: CalendarSpec = DEMO_CALENDAR;
    let sla = applyPolicy(null, p, { status: 'new', createdAt: clock.now() }, clock.ctx(before));
    expect(sla.firstResponse!.dueAt).toEqual(sh('2026-03-02T14:30'));
    clock.set(sh('2026-03-02T11:00')); // 2 h spent
    const longer: CalendarSpec = { timeZone: 'Asia/Shanghai', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '08:00', to: '20:00' })) };
    sla = applyPolicy(sla, p, { status: 'open', createdAt: sh('2026-03-02T09:00') }, clock.ctx(longer), before);
    expect(sla.firstResponse!.elapsedMs).toBe(2 * H);
    expect(sla.firstResponse!.dueAt).toEqual(sh('2026-03-02T13:00')); // no lunch break any more
  });

  it('solving completes the resolution; reopening runs it again from the time spent', () => {
    const clock = movedClock(new Date('2026-03-02T02:00:00Z'));
    let sla = applyPolicy(null, urgent, { status: 'new', createdAt: clock.now() }, clock.ctx());
    clock.advance(H);
    sla = reconcile(sla, 'solved', clock.ctx());
    expect(sla.resolution).toMatchObject({ status: 'hit', elapsedMs: H });
    expect(sla.firstResponse!.status).toBe('paused'); // a solved ticket owes no reply
    clock.advance(5 * H);
    sla = reconcile(sla, 'open', clock.ctx());
    expect(sla.resolution).toMatchObject({ status: 'active', elapsedMs: H, dueAt: new Date(clock.now().getTime() + 3 * H) });
  });
});
