import type { Types } from 'mongoose';
import type { CalendarSpec } from '../calendars/business-time';
import { complete, Ctx, isDone, pause, resume, spent, startTarget, TargetState } from '../sla/sla-state';

/**
 * The on-site target of a work order (`sla.onSite`) as pure data and transitions, on the same
 * arithmetic as part 1's ticket targets (sla-state.ts): business time on the field team's calendar
 * (around the clock for an emergency), a warning at SLA_WARNING_RATIO, a breach at the due time
 * (level 1), then one more level per SLA_ESCALATION_STEP while it stands (2: managers, 3: directors).
 *
 * The clock starts at the first dispatch and keeps running through a reject and a re-dispatch (the
 * customer is still waiting); it is met when the engineer arrives; it pauses while the customer
 * reschedules, until the new window begins; it stops when the work order is cancelled or cannot
 * be completed before anyone arrived.
 */
export interface OnSiteEscalation {
  _id: Types.ObjectId;
  target: 'onSite';
  kind: 'warning' | 'breach';
  level: number;
  at: Date;
  dueAt: Date | null;
  notified: string[];
}

export interface OnSiteSla {
  onSite: TargetState | null;
  /** the calendar the target runs on; null: around the clock */
  calendar: string | null;
  emergency: boolean;
  escalationLevel: number;
  escalations: OnSiteEscalation[];
  nextEscalation: { level: number; at: Date } | null;
  /** a customer's reschedule: the clock waits until the new window begins */
  pausedUntil: Date | null;
  /** the earliest moment something may become due: what the sweeper looks for */
  nextCheckAt: Date | null;
  /** optimistic concurrency of the SLA writes (service, timers, sweeper) */
  rev: number;
}

export interface OnSiteEvent {
  kind: 'warning' | 'breach';
  level: number;
  dueAt: Date | null;
}

export function emptyOnSite(): OnSiteSla {
  return { onSite: null, calendar: null, emergency: false, escalationLevel: 0, escalations: [], nextEscalation: null, pausedUntil: null, nextCheckAt: null, rev: 0 };
}

/** The first dispatch starts the clock; later dispatches leave it running. */
export function dispatched(sla: OnSiteSla, ms: number, calendar: string | null, emergency: boolean, c: Ctx): OnSiteSla {
  if (sla.onSite) return sla;
  return { ...sla, calendar, emergency, onSite: startTarget(ms, 0, c) };
}

/**
 * The emergency flag changed: the target moves to the other calendar and length, keeping the
 * business time already spent (measured on the calendar it ran on, `before`).
 */
export function relaid(sla: OnSiteSla, ms: number, calendar: string | null, emergency: boolean, c: Ctx, before: CalendarSpec | null): OnSiteSla {
  const t = sla.onSite;
  const out = { ...sla, calendar, emergency };
  if (!t || isDone(t)) return out;
  const used = spent(t, before, c.now);
  if (t.status === 'paused') out.onSite = { ...t, targetMs: ms, elapsedMs: used };
  else if (t.status === 'breached') out.onSite = { ...t, targetMs: ms, elapsedMs: used, startedAt: c.now };
  else out.onSite = startTarget(ms, used, c, used >= ms * c.warningRatio ? t.warnedAt : null);
  return out;
}

/** The customer moved the appointment: the clock pauses until the new window starts. */
export function rescheduled(sla: OnSiteSla, until: Date, c: Ctx): OnSiteSla {
  if (!sla.onSite || isDone(sla.onSite) || until.getTime() <= c.now.getTime()) return sla;
  return { ...sla, onSite: pause(sla.onSite, c), pausedUntil: until };
}

/** The engineer arrived: the target is met (or stays breached, now completed). */
export function arrived(sla: OnSiteSla, c: Ctx): OnSiteSla {
  if (!sla.onSite) return sla;
  const t = sla.pausedUntil ? resume(sla.onSite, c) : sla.onSite;
  return { ...sla, onSite: complete(t, c), pausedUntil: null, nextEscalation: null };
}

/** Cancelled, or could not be completed before an arrival: the clock stops and nothing escalates further. */
export function halted(sla: OnSiteSla, c: Ctx): OnSiteSla {
  if (!sla.onSite) return sla;
  return { ...sla, onSite: pause(sla.onSite, c), pausedUntil: null, nextEscalation: null };
}

/**
 * Everything due by now: the end of a reschedule pause, the warning, the breach (level 1) and the
 * next escalation level while the breach stands. Idempotent: a second call finds nothing due.
 */
export function evaluateOnSite(sla: OnSiteSla, stepMs: number, c: Ctx): { sla: OnSiteSla; events: OnSiteEvent[] } {
  const now = c.now.getTime();
  const out: OnSiteSla = { ...sla };
  const events: OnSiteEvent[] = [];
  if (out.pausedUntil && out.pausedUntil.getTime() <= now && out.onSite) {
    out.onSite = resume(out.onSite, c);
    out.pausedUntil = null;
  }
  const t = out.onSite;
  if (t && t.status === 'active' && t.dueAt) {
    if (t.dueAt.getTime() <= now) {
      out.onSite = { ...t, status: 'breached', breachedAt: c.now, warnAt: null };
      events.push({ kind: 'breach', level: 1, dueAt: t.dueAt });
      if (!out.nextEscalation) out.nextEscalation = { level: 2, at: new Date(now + stepMs) };
    } else if (!t.warnedAt && t.warnAt && t.warnAt.getTime() <= now) {
      out.onSite = { ...t, warnedAt: c.now, warnAt: null };
      events.push({ kind: 'warning', level: 0, dueAt: t.dueAt });
    }
  }
  const standing = out.onSite?.status === 'breached' && !out.onSite.completedAt;
  if (!standing) out.nextEscalation = null;
  else if (out.nextEscalation && out.nextEscalation.at.getTime() <= now) {
    const level = out.nextEscalation.level;
    events.push({ kind: 'breach', level, dueAt: out.onSite!.dueAt });
    out.nextEscalation = level < 3 ? { level: level + 1, at: new Date(now + stepMs) } : null;
  }
  return { sla: out, events };
}

/** The earliest moment something may become due. */
export function nextOnSiteCheck(sla: OnSiteSla): Date | null {
  const times = [...onSiteTimers('x', sla).values()];
  return times.length ? new Date(Math.min(...times)) : null;
}

/** The timers a state wants: deterministic job id → due time (epoch ms). */
export function onSiteTimers(workOrderId: string, sla: OnSiteSla | null): Map<string, number> {
  const out = new Map<string, number>();
  if (!sla) return out;
  const t = sla.onSite;
  if (t && t.status === 'active' && t.dueAt) {
    if (t.warnAt && !t.warnedAt) out.set(`wo-onsite-warn-${workOrderId}`, t.warnAt.getTime());
    out.set(`wo-onsite-breach-${workOrderId}`, t.dueAt.getTime());
  }
  if (sla.pausedUntil && t?.status === 'paused') out.set(`wo-onsite-resume-${workOrderId}`, sla.pausedUntil.getTime());
  if (sla.nextEscalation) out.set(`wo-escalate-${workOrderId}`, sla.nextEscalation.at.getTime());
  return out;
}
