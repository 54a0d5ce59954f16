import type { CalendarSpec } from '../calendars/business-time';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { Realtime } from '../../realtime/realtime';
import type { CalendarService } from '../calendars/calendar.service';
import type { LiveTicketObserver } from '../tickets/ticket.live';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import { LIVE_STATUSES } from '../tickets/ticket.types';
import type { SlaPolicyService } from './sla-policy.service';
import type { SlaNotifier } from './sla-notifier';
import { applyPolicy, Ctx, DueEvent, nextCheck, SlaState, TARGETS, TicketFacts } from './sla-state';
import type { TimerSet } from '../../infra/timer-set';
import { SlaEvaluator } from './sla-evaluation';
import { type EscalationFollowUp, SlaFollowUps } from './sla-follow-up';
import { plainSla, policyLike, type SlaTicket } from './sla-plain';
import { SlaSweeper } from './sla-sweeper';
import { type Mutation, SlaWriter } from './sla-writer';

export type { EscalationFollowUp } from './sla-follow-up';

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

/**
 * Applies SLA policies to tickets and keeps the applied state, its timers and its escalations in
 * step: the planning (a policy applied, recomputed, a ticket's state changed) here; the writes
 * (sla-writer.ts), the timers' evaluation (sla-evaluation.ts), the sweeper (sla-sweeper.ts) and
 * the escalations' follow-ups (sla-follow-up.ts) each in a file of their own.
 */
export class SlaService {
  private readonly writer: SlaWriter;
  private readonly evaluator: SlaEvaluator;
  private readonly sweeper: SlaSweeper;
  private readonly followUps: SlaFollowUps;

  constructor(
    private readonly d: SlaServiceDeps,
    readonly policies: SlaPolicyService,
    private readonly calendars: CalendarService,
    private readonly notifier: SlaNotifier,
  ) {
    const refreshLive = (t: TicketDoc) => this.refreshLive(t);
    this.followUps = new SlaFollowUps({ tickets: d.tickets, notifier, log: d.log, timeline: d.timeline, followUps: d.followUps, refreshLive });
    this.writer = new SlaWriter({ Ticket: d.Ticket, clock: d.clock, log: d.log, due: d.due }, notifier, this.followUps);
    this.evaluator = new SlaEvaluator({ writer: this.writer, calendars, tickets: d.tickets, due: d.due, ctx: (c) => this.ctx(c), escalationStepMs: d.escalationStepMs, refreshLive });
    this.sweeper = new SlaSweeper({ Ticket: d.Ticket, due: d.due, clock: d.clock, timerLeaseMs: d.timerLeaseMs, check: (id) => this.check(id) });
  }

  ctx(calendar: CalendarSpec | null): Ctx {
    return { now: this.d.clock.now(), calendar, warningRatio: this.d.warningRatio };
  }

  /**
   * Reads, transforms and writes the SLA of a ticket (retrying on a concurrent write), then moves
   * its timer and sends the escalations it recorded. Returns the saved ticket.
   */
  async mutate(ticket: TicketDoc, fn: Mutation): Promise<TicketDoc> {
    return (await this.writer.write(ticket, fn)).doc;
  }

  /** Records escalation events on the state (who was told is decided now and kept with them). */
  record(ticket: Pick<SlaTicket, 'assigneeId' | 'team'>, sla: SlaState, events: (DueEvent & { reason?: string })[]): Promise<SlaState> {
    return this.writer.record(ticket, sla, events);
  }

  /** The follow-up job of an escalation: its mails and timeline lines (and the live view when the evaluation left it). */
  followUp(data: EscalationFollowUp): Promise<void> {
    return this.followUps.run(data);
  }

  /** The evaluator behind every timer (sla-evaluation.ts). */
  check(ticketId: string): Promise<{ events: number; nextAt: number | null }> {
    return this.evaluator.check(ticketId);
  }

  /** Repairs what the timers may have missed (sla-sweeper.ts). */
  sweep(): Promise<{ fired: number; repaired: number }> {
    return this.sweeper.sweep();
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
    await this.writer.afterWrite(ticket, null, plainSla(ticket));
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
