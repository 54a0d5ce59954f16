import { Types } from 'mongoose';
import { addBusinessTime, businessTimeBetween, CalendarSpec, targetMs } from '../calendars/business-time';

/**
 * The applied SLA of a ticket as pure data and pure transitions, so the arithmetic is tested with a
 * moved clock and the observer/evaluator only read, transform and write conditionally.
 *
 * A running target keeps `elapsedMs` (business time spent before `startedAt`) and `startedAt` (the
 * start of the current running stretch); dueAt = startedAt + (targetMs − elapsedMs) in business time.
 * Pausing folds the stretch into elapsedMs; resuming starts a new stretch. So nothing spent is forgotten.
 */
export const TARGETS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type TargetName = (typeof TARGETS)[number];
export type TargetStatus = 'active' | 'paused' | 'hit' | 'breached';
export const PAUSING: readonly string[] = ['pending', 'on_hold'];

export interface TargetState {
  status: TargetStatus;
  targetMs: number;
  elapsedMs: number;
  startedAt: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  completedAt: Date | null;
}

export interface Escalation {
  _id: Types.ObjectId;
  target: TargetName;
  kind: 'warning' | 'breach';
  level: number;
  at: Date;
  dueAt: Date | null;
  notified: string[];
  reason?: string;
  acknowledgedBy?: string | null;
  acknowledgedAt?: Date | null;
}

export interface SlaState {
  policyId: string;
  policy: string;
  calendar: string | null;
  firstResponse?: TargetState | null;
  nextResponse?: TargetState | null;
  resolution?: TargetState | null;
  escalationLevel: number;
  escalations: Escalation[];
  pausedAt: Date | null;
  nextEscalation: { level: number; at: Date } | null;
  nextCheckAt: Date | null;
  lastEscalationAt?: Date | null;
  rev: number;
}

export interface PolicyLike {
  id: string;
  name: string;
  calendar: string | null;
  targets: Partial<Record<TargetName, string | null>>;
}

export interface Ctx {
  now: Date;
  /** the calendar the SLA is measured on */
  calendar: CalendarSpec | null;
  warningRatio: number;
}

/** What the rules need to know of the ticket. */
export interface TicketFacts {
  status: string;
  createdAt: Date;
  firstResponseAt?: Date | null;
}

/** A completed target no longer counts (hit, or breached and then answered/solved). */
export const isDone = (t: TargetState) => t.status === 'hit' || (t.status === 'breached' && !!t.completedAt);
const isRunning = (t: TargetState) => t.status === 'active' || (t.status === 'breached' && !t.completedAt && !!t.startedAt);

/** Business time spent on a target up to now. */
export function spent(t: TargetState, calendar: CalendarSpec | null, now: Date): number {
  return t.elapsedMs + (isRunning(t) && t.startedAt ? businessTimeBetween(calendar, t.startedAt, now) : 0);
}

export function startTarget(ms: number, elapsed: number, c: Ctx, warnedAt: Date | null = null): TargetState {
  return {
    status: 'active',
    targetMs: ms,
    elapsedMs: elapsed,
    startedAt: c.now,
    dueAt: addBusinessTime(c.calendar, c.now, Math.max(0, ms - elapsed)),
    warnAt: warnedAt ? null : addBusinessTime(c.calendar, c.now, Math.max(0, Math.floor(ms * c.warningRatio) - elapsed)),
    warnedAt,
    breachedAt: null,
    completedAt: null,
  };
}

export function pause(t: TargetState, c: Ctx): TargetState {
  if (t.status !== 'active') return t;
  return { ...t, status: 'paused', elapsedMs: spent(t, c.calendar, c.now), startedAt: null, dueAt: null, warnAt: null };
}

export function resume(t: TargetState, c: Ctx): TargetState {
  if (t.status !== 'paused') return t;
  return startTarget(t.targetMs, t.elapsedMs, c, t.warnedAt);
}

/** The target is met (a human reply, the ticket solved); a breached one keeps its status and gets completedAt. */
export function complete(t: TargetState, c: Ctx): TargetState {
  if (isDone(t)) return t;
  return { ...t, status: t.status === 'breached' ? 'breached' : 'hit', elapsedMs: spent(t, c.calendar, c.now), startedAt: null, warnAt: null, completedAt: c.now };
}

/** A reopened ticket: its resolution runs again from the time it had spent. */
function reopen(t: TargetState, c: Ctx): TargetState {
  if (t.status === 'hit') return startTarget(t.targetMs, t.elapsedMs, c, t.warnedAt);
  if (t.status === 'breached' && t.completedAt) return { ...t, completedAt: null, startedAt: c.now };
  return t;
}

/** Brings the targets in line with the ticket's status: pending/on_hold pause, solved completes the resolution. */
export function reconcile(sla: SlaState, status: string, c: Ctx): SlaState {
  const out = { ...sla };
  const halted = PAUSING.includes(status) || status === 'solved' || status === 'closed';
  for (const name of TARGETS) {
    let t = out[name];
    if (!t) continue;
    if (name === 'resolution' && (status === 'solved' || status === 'closed')) t = complete(t, c);
    else if (name === 'resolution' && !halted) t = reopen(t, c);
    t = halted ? pause(t, c) : resume(t, c);
    out[name] = t;
  }
  out.pausedAt = halted ? (sla.pausedAt ?? c.now) : null;
  return out;
}

/** A human agent's public reply meets the response targets. */
export function agentReplied(sla: SlaState, c: Ctx): SlaState {
  const out = { ...sla };
  for (const name of ['firstResponse', 'nextResponse'] as const) if (out[name]) out[name] = complete(out[name]!, c);
  return out;
}

/** A customer writes after an agent's reply: the next-response clock starts (unless one is already running). */
export function customerWrote(sla: SlaState, nextResponseIso: string | null | undefined, messageAt: Date, lastAgentReplyAt: Date | null | undefined, c: Ctx): SlaState {
  if (!nextResponseIso || !lastAgentReplyAt || lastAgentReplyAt > messageAt) return sla;
  const nr = sla.nextResponse;
  if (nr && (!isDone(nr) || (nr.completedAt && nr.completedAt > messageAt))) return sla;
  return { ...sla, nextResponse: startTarget(targetMs(nextResponseIso, c.calendar), 0, c) };
}

/**
 * Applies a policy, first time or again (the ticket's priority, type or team changed, or the policy
 * or its calendar was edited). Time already spent is measured on the calendar it ran on (`before`)
 * and the remainder is laid on the new calendar.
 */
export function applyPolicy(prev: SlaState | null, policy: PolicyLike, facts: TicketFacts, c: Ctx, before: CalendarSpec | null = c.calendar): SlaState {
  const sla: SlaState = prev
    ? { ...prev, policyId: policy.id, policy: policy.name, calendar: policy.calendar }
    : { policyId: policy.id, policy: policy.name, calendar: policy.calendar, escalationLevel: 0, escalations: [], pausedAt: null, nextEscalation: null, nextCheckAt: null, rev: 0 };
  for (const name of TARGETS) {
    const iso = policy.targets[name];
    const old = prev?.[name] ?? null;
    if (!iso) {
      sla[name] = old && isDone(old) ? old : null;
      continue;
    }
    const ms = targetMs(iso, c.calendar);
    if (old) {
      if (isDone(old)) continue;
      const used = spent(old, before, c.now);
      if (old.status === 'breached') sla[name] = { ...old, targetMs: ms, elapsedMs: used, startedAt: c.now };
      else if (old.status === 'paused') sla[name] = { ...old, targetMs: ms };
      else sla[name] = startTarget(ms, used, c, used >= ms * c.warningRatio ? old.warnedAt : null);
      continue;
    }
    if (name === 'nextResponse') continue; // starts when the customer writes after a reply
    if (name === 'firstResponse' && facts.firstResponseAt) {
      const used = businessTimeBetween(c.calendar, facts.createdAt, facts.firstResponseAt);
      sla[name] = { status: used <= ms ? 'hit' : 'breached', targetMs: ms, elapsedMs: used, startedAt: null, dueAt: addBusinessTime(c.calendar, facts.createdAt, ms), warnAt: null, warnedAt: null, breachedAt: null, completedAt: facts.firstResponseAt };
      continue;
    }
    sla[name] = startTarget(ms, businessTimeBetween(c.calendar, facts.createdAt, c.now), c);
  }
  return reconcile(sla, facts.status, c);
}

export interface DueEvent {
  target: TargetName;
  kind: 'warning' | 'breach';
  level: number;
  dueAt: Date | null;
}

/** A breach that stands: a breached target nobody has met yet. */
export const openBreach = (sla: SlaState) => TARGETS.some((n) => sla[n]?.status === 'breached' && !sla[n]!.completedAt);

/**
 * Everything due by now: warnings, breaches (level 1) and the next escalation level while a breach
 * stands. Idempotent: a second call at the same state finds nothing due.
 */
export function evaluate(sla: SlaState, ticketStatus: string, stepMs: number, c: Ctx): { sla: SlaState; events: DueEvent[] } {
  const out: SlaState = { ...sla };
  const events: DueEvent[] = [];
  const now = c.now.getTime();
  for (const name of TARGETS) {
    const t = out[name];
    if (!t || t.status !== 'active' || !t.dueAt) continue;
    if (t.dueAt.getTime() <= now) {
      out[name] = { ...t, status: 'breached', breachedAt: c.now, warnAt: null };
      events.push({ target: name, kind: 'breach', level: 1, dueAt: t.dueAt });
      if (!out.nextEscalation) out.nextEscalation = { level: 2, at: new Date(now + stepMs) };
    } else if (!t.warnedAt && t.warnAt && t.warnAt.getTime() <= now) {
      out[name] = { ...t, warnedAt: c.now, warnAt: null };
      events.push({ target: name, kind: 'warning', level: 0, dueAt: t.dueAt });
    }
  }
  const live = !['solved', 'closed'].includes(ticketStatus);
  if (!openBreach(out) || !live) out.nextEscalation = null;
  else if (out.nextEscalation && out.nextEscalation.at.getTime() <= now) {
    const level = out.nextEscalation.level;
    const target = TARGETS.find((n) => out[n]?.status === 'breached' && !out[n]!.completedAt)!;
    events.push({ target, kind: 'breach', level, dueAt: out[target]!.dueAt });
    out.nextEscalation = level < 3 ? { level: level + 1, at: new Date(now + stepMs) } : null;
  }
  return { sla: out, events };
}

/** The earliest moment something may become due: the ticket's one timer (its score in the SLA timer set). */
export function nextCheck(sla: SlaState): Date | null {
  const times: number[] = [];
  for (const name of TARGETS) {
    const t = sla[name];
    if (!t || t.status !== 'active') continue;
    if (t.warnAt && !t.warnedAt) times.push(t.warnAt.getTime());
    if (t.dueAt) times.push(t.dueAt.getTime());
  }
  if (sla.nextEscalation) times.push(sla.nextEscalation.at.getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}
