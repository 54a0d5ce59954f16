import { Types } from 'mongoose';
import type { CalendarSpec } from '../calendars/business-time';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { Realtime } from '../../realtime/realtime';
import type { CalendarService } from '../calendars/calendar.service';
import type { LiveTicketObserver } from '../tickets/ticket.live';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import { isLiveStatus, LIVE_STATUSES } from '../tickets/ticket.types';
import type { SlaPolicyDoc } from './sla-policy.model';
import type { SlaPolicyService } from './sla-policy.service';
import type { Recipient, SlaNotifier } from './sla-notifier';
import { applyPolicy, Ctx, DueEvent, Escalation, evaluate, nextCheck, PolicyLike, SlaState, TARGETS, TargetState, TicketFacts } from './sla-state';
import type { TimerEntry, TimerSet } from '../../infra/timer-set';

type Mutation = (sla: SlaState | null, ticket: TicketDoc) => Promise<SlaState | null | undefined>;
const MAX_HISTORY = 100;
/** how often the sweeper also rebuilds the timer set from MongoDB (the repair of a lost entry; at once after Redis was lost) */
const REPAIR_EVERY_MS = 30 * 60_000;
/** an entry this long past its due time and not claimed: no timer loop took it (none running, or all stuck), the sweeper does */
const STUCK_MS = 10_000;

const TARGET_FIELDS = ['status', 'targetMs', 'elapsedMs', 'startedAt', 'dueAt', 'warnAt', 'warnedAt', 'breachedAt', 'completedAt'] as const;

/** The stored SLA as plain data with every field present (null when unset). */
export function plainSla(ticket: TicketDoc): SlaState | null {
  const raw = (ticket.toObject({ depopulate: true }) as { sla?: Record<string, any> | null }).sla;
  if (!raw || !raw.policyId) return null;
  const target = (t: Record<string, unknown> | null | undefined): TargetState | null =>
    t && t.status ? (Object.fromEntries(TARGET_FIELDS.map((f) => [f, t[f] ?? (f === 'targetMs' || f === 'elapsedMs' ? 0 : null)])) as unknown as TargetState) : null;
  return {
    policyId: raw.policyId,
    policy: raw.policy ?? '',
    calendar: raw.calendar ?? null,
    firstResponse: target(raw.firstResponse),
    nextResponse: target(raw.nextResponse),
    resolution: target(raw.resolution),
    escalationLevel: raw.escalationLevel ?? 0,
    escalations: raw.escalations ?? [],
    pausedAt: raw.pausedAt ?? null,
    nextEscalation: raw.nextEscalation?.at ? { level: raw.nextEscalation.level, at: raw.nextEscalation.at } : null,
    nextCheckAt: raw.nextCheckAt ?? null,
    lastEscalationAt: raw.lastEscalationAt ?? null,
    rev: raw.rev ?? 0,
  };
}

/** Sorted-key JSON: two states compare equal whatever order their keys were built in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val) && !(val instanceof Date) && !(val instanceof Types.ObjectId)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  );
}
const sameState = (a: SlaState | null, b: SlaState | null) => canonical(a && { ...a, rev: 0, nextCheckAt: null }) === canonical(b && { ...b, rev: 0, nextCheckAt: null });

export const policyLike = (p: SlaPolicyDoc): PolicyLike => ({ id: String(p._id), name: p.name, calendar: p.calendar ?? null, targets: { firstResponse: p.targets?.firstResponse, nextResponse: p.targets?.nextResponse, resolution: p.targets?.resolution } });

export interface SlaServiceDeps {
  Ticket: TicketModel;
  tickets: Pick<TicketService, 'byId'>;
  /** the live queue orders by due time: it is refreshed when a timer moves them */
  live: Pick<LiveTicketObserver, 'refresh'>;
  realtime: Realtime;
  clock: Clock;
  log: Logger;
  /** SLA_WARNING_RATIO */
  warningRatio: number;
  /** SLA_ESCALATION_STEP */
  escalationStepMs: number;
  /** warnings, breaches and escalations are lines on the ticket's timeline */
  timeline?: Pick<TicketMessages, 'addEvent'>;
  /**
   * The SLA timers: live tickets by `sla.nextCheckAt` (one entry per ticket, written at the SLA's
   * revision beside every write of it), which the workers' timer loop claims from and the sweeper
   * repairs from MongoDB.
   */
  due: TimerSet;
  /** how long a timer loop's claim holds a ticket (the sweeper's claims of stuck entries hold it as long) */
  timerLeaseMs: number;
  /**
   * Queues an escalation's follow-up (its mails and timeline line) as a job of its own, which
   * `followUp` runs; without it (or when the queueing fails) the follow-up runs in the caller.
   */
  followUps?: { add(data: EscalationFollowUp, jobId: string): Promise<unknown> };
}

/** What an escalation's follow-up job carries: the escalations of one write and who was told (JSON). */
export interface EscalationFollowUp {
  ticketId: string;
  /** the live queue's view is refreshed by this job (the evaluation that queued it did not) */
  refresh?: boolean;
  escalations: { escalation: Omit<Escalation, '_id' | 'at' | 'dueAt' | 'acknowledgedAt'> & { _id: string; at: string; dueAt: string | null; acknowledgedAt?: string | null }; recipients: Recipient[] }[];
}

/**
 * Applies SLA policies to tickets and keeps the applied state, its timers and its escalations in
 * step. Every write is a conditional update on `sla.rev`, so the observer, the timers and the
 * sweeper can race on one ticket without losing or doubling anything.
 */
export class SlaService {
  /** who an escalation being written goes to, decided once in record() and used once the write succeeds */
  private readonly recipients = new Map<string, Recipient[]>();

  constructor(
    private readonly d: SlaServiceDeps,
    readonly policies: SlaPolicyService,
    private readonly calendars: CalendarService,
    private readonly notifier: SlaNotifier,
  ) {}

  ctx(calendar: CalendarSpec | null): Ctx {
    return { now: this.d.clock.now(), calendar, warningRatio: this.d.warningRatio };
  }

  /**
   * Reads, transforms and writes the SLA of a ticket (retrying on a concurrent write), then moves
   * its timer and sends the escalations it recorded. Returns the saved ticket.
   */
  async mutate(ticket: TicketDoc, fn: Mutation): Promise<TicketDoc> {
    return (await this.write(ticket, fn)).doc;
  }

  /**
   * mutate, telling whether it wrote (and so re-planned the ticket's timer) and whether the write's
   * follow-up job was queued; with `refreshLater` that job also refreshes the live queue's view.
   */
  private async write(ticket: TicketDoc, fn: Mutation, refreshLater = false): Promise<{ doc: TicketDoc; wrote: boolean; followUp: boolean }> {
    const { Ticket } = this.d;
    let current: TicketDoc | null = ticket;
    for (let attempt = 0; attempt < 8 && current; attempt++) {
      const before = plainSla(current);
      const after = await fn(before && plainSla(current), current);
      if (after === undefined || sameState(before, after)) return { doc: current, wrote: false, followUp: false };
      if (after) Object.assign(after, { rev: (before?.rev ?? 0) + 1, nextCheckAt: nextCheck(after) });
      const cond = before ? { 'sla.rev': before.rev } : { $or: [{ sla: null }, { 'sla.policyId': null }] };
      const updated: TicketDoc | null = await Ticket.findOneAndUpdate({ _id: current._id, ...cond }, { $set: { sla: after } }, { new: true });
      if (updated) {
        const followUp = await this.afterWrite(updated, before, after, refreshLater);
        return { doc: updated, wrote: true, followUp };
      }
      for (const e of after?.escalations ?? []) if (!before?.escalations.some((b) => String(b._id) === String(e._id))) this.recipients.delete(String(e._id));
      current = await Ticket.findById(current._id);
    }
    this.d.log.warn({ ticket: ticket.number }, 'sla write gave up after repeated conflicts');
    return { doc: current ?? ticket, wrote: false, followUp: false };
  }

  /**
   * After a won write: the people first — every new escalation is on its way to the sockets before
   * anything else is awaited (it is stored, so it is true) — then the ticket's timer (one script
   * call: its next check at this revision) and the escalations' mails and timeline lines queued as
   * a follow-up job (issue #23). An evaluation holds a slot of the timer loop until this returns:
   * the less it waits for, the sooner the next due timer is taken, and a burst of breaches reaches
   * its sockets before the slower follow-ups of any of them take the store's and the event loop's time.
   */
  private async afterWrite(ticket: TicketDoc, before: SlaState | null, after: SlaState | null, refreshLater = false): Promise<boolean> {
    const id = String(ticket._id);
    const known = new Set((before?.escalations ?? []).map((e) => String(e._id)));
    const told: [Escalation, Recipient[]][] = [];
    for (const e of (after?.escalations ?? []).filter((x) => !known.has(String(x._id)))) {
      told.push([e, this.recipients.get(String(e._id)) ?? (await this.notifier.recipients(ticket, e))]);
      this.recipients.delete(String(e._id));
    }
    for (const [e, recipients] of told) this.notifier.publish(ticket, e, recipients);
    const [queued] = await Promise.all([told.length ? this.queueFollowUp(ticket, told, refreshLater) : false, this.plan(ticket, after?.rev ?? (before?.rev ?? 0) + 1, after)]);
    return queued;
  }

  /** The ticket's timer as its SLA at `rev` wants it: its next check while live, none else (never throws: the repair re-creates what this misses). */
  private async plan(ticket: TicketDoc, rev: number, sla: { nextCheckAt?: Date | null } | null | undefined): Promise<void> {
    const at = isLiveStatus(ticket.status) ? (sla?.nextCheckAt ?? null) : null;
    await this.d.due.put(String(ticket._id), at, rev).catch((err: Error) => this.d.log.warn({ ticket: ticket.number, err: err.message }, 'sla timer not moved; the repair will'));
  }

  /**
   * Queues the follow-up of one write's escalations (id by its first escalation: a retried job
   * queues it once); runs it here when it cannot be queued. True when queued.
   */
  private async queueFollowUp(ticket: TicketDoc, told: [Escalation, Recipient[]][], refresh: boolean): Promise<boolean> {
    if (this.d.followUps) {
      const data: EscalationFollowUp = {
        ticketId: String(ticket._id),
        ...(refresh ? { refresh: true } : {}),
        escalations: told.map(([e, recipients]) => ({
          escalation: { ...e, _id: String(e._id), at: e.at.toISOString(), dueAt: e.dueAt ? e.dueAt.toISOString() : null, acknowledgedAt: null },
          recipients,
        })),
      };
      try {
        await this.d.followUps.add(data, `sla-follow-up-${told[0][0]._id}`);
        return true;
      } catch (err) {
        this.d.log.warn({ ticket: ticket.number, err: (err as Error).message }, 'escalation follow-up not queued; done now');
      }
    }
    await this.followUpOf(ticket, told);
    return false;
  }

  /**
   * The follow-up job: the escalations' mails and timeline lines, on the ticket as it is now, and
   * (`refresh`: a timer's evaluation left it to this job) the live queue's view of the ticket.
   * Idempotent (mails and lines keyed by the escalation; the view is the ticket's as it is now).
   */
  async followUp(data: EscalationFollowUp): Promise<void> {
    const ticket = await this.d.tickets.byId(data.ticketId);
    if (!ticket) return;
    const told = data.escalations.map(({ escalation: e, recipients }): [Escalation, Recipient[]] => [
      { ...e, _id: new Types.ObjectId(e._id), at: new Date(e.at), dueAt: e.dueAt ? new Date(e.dueAt) : null, acknowledgedAt: null } as Escalation,
      recipients,
    ]);
    await Promise.all([this.followUpOf(ticket, told), data.refresh ? this.refreshLive(ticket) : null]);
  }

  private async followUpOf(ticket: TicketDoc, told: [Escalation, Recipient[]][]): Promise<void> {
    await Promise.all([
      ...told.map(([e, recipients]) => this.notifier.mail(ticket, e, recipients)),
      // one ticket's lines one after the other (each touches the ticket and runs its observers)
      (async () => {
        for (const [e] of told) await this.timelineLine(ticket, e);
      })(),
    ]);
  }

  /** The escalation's line on the ticket's timeline, keyed by the escalation: a retried write does not write it twice. */
  private async timelineLine(ticket: TicketDoc, e: Escalation): Promise<void> {
    await this.d.timeline
      ?.addEvent(ticket, { type: 'sla_escalation', data: { escalationId: String(e._id), target: e.target, kind: e.kind, level: e.level, dueAt: e.dueAt ?? null, reason: e.reason ?? null } }, `SLA ${e.kind} (${e.target}), level ${e.level}`, { key: `sla-escalation:${e._id}` })
      .catch((err: Error) => this.d.log.warn({ ticket: ticket.number, err: err.message }, 'escalation not written on the timeline'));
  }

  /** Records escalation events on the state (who was told is decided now and kept with them). */
  async record(ticket: TicketDoc, sla: SlaState, events: (DueEvent & { reason?: string })[]): Promise<SlaState> {
    if (!events.length) return sla;
    const now = this.d.clock.now();
    const added: Escalation[] = [];
    for (const e of events) {
      const recipients = await this.notifier.recipients(ticket, e);
      const notified = recipients.map((r) => r.id);
      const _id = new Types.ObjectId();
      this.recipients.set(String(_id), recipients); // used once the write succeeds, dropped when it loses a race
      added.push({ _id, target: e.target, kind: e.kind, level: e.level, at: now, dueAt: e.dueAt, notified, ...(e.reason ? { reason: e.reason } : {}), acknowledgedBy: null, acknowledgedAt: null });
    }
    return {
      ...sla,
      escalations: [...sla.escalations, ...added].slice(-MAX_HISTORY),
      escalationLevel: Math.max(sla.escalationLevel, ...added.map((e) => e.level)),
      lastEscalationAt: now,
    };
  }

  /**
   * A new ticket, or one whose priority, type, team or channel changed: the first matching policy
   * applies. On a new ticket it applies once: run again (the effects sweeper re-driving a failed
   * creation), a ticket that has its SLA keeps it, and a policy alert is never recorded twice.
   */
  async apply(ticket: TicketDoc, opts: { created?: boolean } = {}): Promise<TicketDoc> {
    const policy = await this.policies.match({ priority: ticket.priority, type: ticket.type, channel: ticket.channel, team: ticket.team });
    return this.mutate(ticket, async (prev, t) => {
      if (opts.created && prev) return undefined;
      if (!policy) return prev ? null : undefined;
      if (prev && prev.policyId === String(policy._id)) return undefined;
      const calendar = await this.calendars.spec(policy.calendar);
      const before = prev ? await this.calendars.spec(prev.calendar) : calendar;
      const next = applyPolicy(prev, policyLike(policy), this.facts(t), this.ctx(calendar), before);
      const alertLevel = opts.created ? (policy.escalateOnCreate ?? 0) : 0;
      if (!alertLevel) return next;
      const target = TARGETS.find((n) => next[n]) ?? 'firstResponse';
      return this.record(t, next, [{ target, kind: 'warning', level: alertLevel, dueAt: next[target]?.dueAt ?? null, reason: 'policy' }]);
    });
  }

  /**
   * The SLA a new ticket is stored with (issue #23: no second write of every new ticket): the first
   * matching policy applied as `apply` would, at revision 1. Undefined when no policy matches or
   * the policy alerts on creation (recording that alert, with its recipients, stays `apply`'s).
   */
  async initial(t: TicketFacts & { priority: string; type: string; channel: string; team: string }): Promise<{ sla: SlaState } | undefined> {
    const policy = await this.policies.match(t);
    if (!policy || policy.escalateOnCreate) return undefined;
    const calendar = await this.calendars.spec(policy.calendar);
    const sla = applyPolicy(null, policyLike(policy), { status: t.status, createdAt: t.createdAt, firstResponseAt: null }, this.ctx(calendar), calendar);
    const state = { ...sla, rev: 1, nextCheckAt: nextCheck(sla) };
    // a policy whose targets give no storable time (an absurd duration) is left to `apply`, whose failure is journaled
    const times = [state.nextCheckAt, ...TARGETS.flatMap((n) => [state[n]?.dueAt, state[n]?.warnAt, state[n]?.startedAt])];
    if (times.some((d) => d instanceof Date && Number.isNaN(d.getTime()))) return undefined;
    return { sla: state };
  }

  /** A ticket stored with its SLA (initial): its timer, as after any write of it. Idempotent (the timer is written at the SLA's revision). */
  async placed(ticket: TicketDoc): Promise<void> {
    await this.afterWrite(ticket, null, plainSla(ticket));
  }

  /** A policy or calendar was edited: live tickets on it get new deadlines, keeping the time spent. */
  async recompute(filter: { policyId?: string; calendar?: string }, calendarBefore?: CalendarSpec | null): Promise<number> {
    const { Ticket } = this.d;
    const query: Record<string, unknown> = { status: { $in: [...LIVE_STATUSES] } };
    if (filter.policyId) query['sla.policyId'] = filter.policyId;
    if (filter.calendar) query['sla.calendar'] = filter.calendar;
    let count = 0;
    // one query over the live tickets on it, read in batches (pages by _id ranges would each scan on the embedded store)
    for await (const t of Ticket.find(query).cursor({ batchSize: 200 }) as AsyncIterable<TicketDoc>) {
      const updated = await this.mutate(t, async (prev, fresh) => {
        if (!prev) return undefined;
        const policy = await this.policies.get(prev.policyId).catch(() => null);
        if (!policy) return undefined;
        const calendar = await this.calendars.spec(policy.calendar);
        const before = calendarBefore !== undefined && prev.calendar === filter.calendar ? calendarBefore : await this.calendars.spec(prev.calendar);
        return applyPolicy(prev, policyLike(policy), this.facts(fresh), this.ctx(calendar), before);
      });
      if (updated !== t) await this.refreshLive(updated);
      count++;
    }
    return count;
  }

  /**
   * The evaluator behind every timer: re-reads the ticket and acts only on what is due by the
   * clock. Its timer is re-planned either way (a claim's lease ends here): by the write, or, when
   * nothing was due, at the revision it read (a newer write's time stands).
   */
  async check(ticketId: string): Promise<{ events: number; nextAt: number | null }> {
    const ticket = await this.d.tickets.byId(ticketId);
    if (!ticket?.sla?.policyId) {
      await this.d.due.drop(ticketId);
      return { events: 0, nextAt: null };
    }
    let events = 0;
    // a write that escalates leaves the live queue's view to its follow-up job, so that in a burst
    // the next due evaluations get the event loop and the store first (issue #23)
    const { doc: updated, wrote, followUp } = await this.write(ticket, async (prev, t) => {
      if (!prev) return undefined;
      const calendar = await this.calendars.spec(prev.calendar);
      const res = evaluate(prev, t.status, this.d.escalationStepMs, this.ctx(calendar));
      events = res.events.length;
      return this.record(t, res.sla, res.events);
    }, true);
    if (!wrote) await this.plan(updated, updated.sla?.rev ?? 0, updated.sla);
    if (updated !== ticket && !followUp) await this.refreshLive(updated);
    return { events, nextAt: updated.sla?.nextCheckAt ? updated.sla.nextCheckAt.getTime() : null };
  }

  /**
   * Repairs what the timers may have missed. Once per REPAIR_EVERY_MS across processes (and at
   * once when Redis lost the set) the timer set is rebuilt from MongoDB — one pass over the live
   * tickets with a check to come; a re-created entry already overdue is checked here. Then any
   * entry STUCK_MS past due that no timer loop claimed is claimed and checked, as a loop would.
   */
  async sweep(): Promise<{ fired: number; repaired: number }> {
    const { due } = this.d;
    const now = this.d.clock.now().getTime();
    const { repaired, overdue } = (await due.repairDue(REPAIR_EVERY_MS)) ? await this.repair(now) : { repaired: 0, overdue: [] };
    const { ids: stuck } = await due.claim(now - STUCK_MS, 1000, now + this.d.timerLeaseMs);
    const ids = [...new Set([...overdue, ...stuck])];
    for (const id of ids) await this.check(id);
    return { fired: ids.length, repaired };
  }

  /** Rebuilds the timer set from MongoDB; returns how many entries were missing or older, and those of them already due. */
  private async repair(now: number): Promise<{ repaired: number; overdue: string[] }> {
    const { Ticket, due } = this.d;
    const query = { 'sla.nextCheckAt': { $ne: null }, status: { $in: [...LIVE_STATUSES] } };
    let repaired = 0;
    const overdue: string[] = [];
    let batch: TimerEntry[] = [];
    const flush = async () => {
      const applied = await due.repairMany(batch);
      repaired += applied.length;
      for (const [id, at] of applied) if (Number(at) <= now) overdue.push(id);
      batch = [];
    };
    for await (const t of Ticket.find(query, { _id: 1, 'sla.nextCheckAt': 1, 'sla.rev': 1 }).lean().cursor()) {
      batch.push([String(t._id), t.sla!.nextCheckAt!.getTime(), t.sla!.rev ?? 0]);
      if (batch.length >= 500) await flush();
    }
    await flush();
    return { repaired, overdue };
  }

  /** The live queue orders by the SLA: show the new due times. */
  async refreshLive(ticket: TicketDoc): Promise<void> {
    // the SLA changes neither the customer nor the assignee: their names come from the queue entry
    const view = await this.d.live.refresh(ticket, true);
    this.d.realtime.toTeam(ticket.team, 'ticket:updated', { ...view, changes: ['sla'] });
  }

  facts(t: TicketDoc) {
    return { status: t.status, createdAt: t.createdAt, firstResponseAt: t.firstResponseAt ?? null };
  }
}
