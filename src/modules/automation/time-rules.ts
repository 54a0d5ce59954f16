import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketChanges } from '../tickets/ticket.observers';
import { type Evaluator, holds, same } from './conditions';
import { type FactSources, slaState, ticketFacts } from './rule.facts';
import type { StateClockModel, TimerFields, TimerModel } from './rule.model';
import type { RuleEngine } from './rule.engine';
import type { RuleService, RuleView } from './rule.service';

const HOUR = 3600_000;
/** a firing holds its timer this long; a crash mid-way is retried by the sweeper after it */
const LEASE_MS = 2 * 60_000;
const BACKFILL_BATCH = 200;
/** a job that wakes this little before its due time (clock skew) fires anyway */
const EARLY_MS = 1000;
const TRACKED = ['status', 'priority', 'type', 'team', 'assignee'] as const;

export interface TimeJob {
  ruleId: string;
  ticketId: string;
  key: string;
  rev: number;
}

export interface TimeRulesDeps {
  Ticket: TicketModel;
  Timer: TimerModel;
  StateClock: StateClockModel;
  rules: Pick<RuleService, 'active'>;
  engine: Pick<RuleEngine, 'fire'>;
  facts: FactSources;
  evaluator: () => Promise<Evaluator>;
  queues: Queues;
  clock: Clock;
  log: Logger;
}

/** The key of an attribute in a ticket's state clock. */
function clockKey(field: string): string {
  return field.startsWith('fields.') ? `field_${field.slice(7)}` : field.replace(/^ticket\./, '');
}

function attribute(ticket: TicketDoc, field: string): unknown {
  if (field.startsWith('fields.')) return ((ticket.fields ?? {}) as Record<string, unknown>)[field.slice(7)] ?? null;
  const name = field.replace(/^ticket\./, '');
  if (name === 'assignee') return ticket.assigneeId ? String(ticket.assigneeId) : null;
  return (ticket as unknown as Record<string, unknown>)[name] ?? null;
}

/**
 * Time rules ("pending for 48 hours", "resolution breached for 2 hours"). Every ticket keeps a
 * state clock: since when each attribute has had its value. When a ticket enters a state a time
 * rule watches, the rule's timer on it records the entry and the due time, and a BullMQ delayed
 * job (id per ticket, rule, entry and rule revision) wakes at that moment; the job re-reads the
 * ticket and fires only if the condition still holds. A fired timer fires again only after its
 * condition was false. The sweeper fires whatever is due and was missed (Redis lost, a worker
 * down), so a rule fires within a minute of becoming true; a new or edited rule is applied to the
 * tickets already in its state by a backfill in batches.
 */
export class TimeRules {
  constructor(private readonly d: TimeRulesDeps) {}

  /**
   * The state clock a new ticket starts with: every attribute since its creation. A ticket stored
   * with `clockImplied` (issue #23: one write less per new ticket) has no clock document until its
   * first tracked change; until then this is its clock.
   */
  private creationClock(ticket: TicketDoc, at: Date): Record<string, { v: unknown; at: Date }> {
    const since: Record<string, { v: unknown; at: Date }> = {};
    for (const a of TRACKED) since[a] = { v: attribute(ticket, a), at };
    for (const [k, v] of Object.entries((ticket.fields ?? {}) as Record<string, unknown>)) since[`field_${k}`] = { v, at };
    return since;
  }

  /** The ticket's state clock: its document, else the creation's when the ticket was stored with it implied, else none known. */
  sinceOf(ticket: TicketDoc, doc: { since?: Record<string, { v: unknown; at: Date }> } | null | undefined): Record<string, { v: unknown; at: Date }> {
    if (doc?.since) return doc.since;
    return ticket.clockImplied ? this.creationClock(ticket, ticket.createdAt) : {};
  }

  /** An observed change (or creation: `changes` null): the state clock moves, the time rules re-plan this ticket. */
  async track(ticket: TicketDoc, changes: TicketChanges | null): Promise<void> {
    const now = this.d.clock.now();
    const set: Record<string, unknown> = {};
    const onInsert: Record<string, unknown> = {};
    if (!changes) {
      const at = ticket.createdAt ?? now;
      if (ticket.clockImplied) {
        // nothing to write: the ticket itself is its clock until it changes
        const rules = await this.d.rules.active('time');
        for (const rule of rules) await this.arm(rule, ticket, this.creationClock(ticket, at), true);
        return;
      }
      for (const [k, v] of Object.entries(this.creationClock(ticket, at))) set[`since.${k}`] = v;
    } else {
      for (const k of Object.keys(changes)) {
        if ((TRACKED as readonly string[]).includes(k) || k.startsWith('fields.')) set[`since.${clockKey(k)}`] = { v: attribute(ticket, k), at: now };
      }
      // the first change of a ticket whose clock was implied: what did not change has had its value since creation
      if (ticket.clockImplied && Object.keys(set).length) {
        for (const [k, v] of Object.entries(this.creationClock(ticket, ticket.createdAt ?? now))) if (!(`since.${k}` in set)) onInsert[`since.${k}`] = v;
      }
    }
    const rules = await this.d.rules.active('time');
    if (!Object.keys(set).length && !rules.length) return;
    const update = Object.keys(onInsert).length ? { $set: set, $setOnInsert: onInsert } : { $set: set };
    const clock = Object.keys(set).length
      ? await this.d.StateClock.findOneAndUpdate({ _id: String(ticket._id) }, update, { upsert: true, new: true }).lean()
      : await this.d.StateClock.findById(String(ticket._id)).lean();
    for (const rule of rules) await this.arm(rule, ticket, this.sinceOf(ticket, clock), true);
  }

  /** When the watched state began (ms), or will begin (an SLA target breaches at its due time); null when it does not hold. */
  entry(rule: RuleView, ticket: TicketDoc, since: Record<string, { v: unknown; at: Date }>): number | null {
    const s = rule.conditions.since;
    if (!s) return null;
    if (s.field.startsWith('ticket.sla.')) {
      const t = (ticket.sla as Record<string, { status?: string | null; dueAt?: Date | null; breachedAt?: Date | null; startedAt?: Date | null; completedAt?: Date | null } | null> | null)?.[s.field.slice(11)];
      if (!t?.status) return null;
      const at = (d?: Date | null) => (d ? new Date(d).getTime() : null);
      switch (s.value) {
        case 'breached':
          return t.status === 'breached' ? at(t.breachedAt ?? t.dueAt) : t.status === 'active' ? at(t.dueAt) : null;
        case 'active':
          return slaState(t, this.d.clock.now()) === 'active' ? (at(t.startedAt) ?? at(ticket.createdAt)) : null;
        case 'paused':
          return t.status === 'paused' ? at(ticket.sla?.pausedAt) : null;
        case 'hit':
          return t.status === 'hit' ? at(t.completedAt) : null;
        default:
          return null;
      }
    }
    const current = attribute(ticket, s.field);
    if (!same(current, s.value)) return null;
    const known = since[clockKey(s.field)];
    if (known && same(known.v, current)) return new Date(known.at).getTime();
    // a ticket older than its state clock: the last moment it is known to have been so (never early)
    const fallback = s.field === 'ticket.status' && current === 'solved' ? ticket.solvedAt : s.field === 'ticket.status' && current === 'closed' ? ticket.closedAt : null;
    return new Date(fallback ?? ticket.updatedAt ?? ticket.createdAt).getTime();
  }

  private async filtersHold(rule: RuleView, ticket: TicketDoc): Promise<boolean> {
    return holds(rule.conditions, ticketFacts(ticket, this.d.facts), await this.d.evaluator());
  }

  private timerId(rule: RuleView, ticket: TicketDoc): string {
    return `${rule.id}:${ticket._id}`;
  }

  /**
   * Plans one rule on one ticket: no timer when the state does not hold; else the timer of this
   * entry, due at entry + hours, with a job at that moment (`schedule`) unless it fired for this
   * entry and its condition still holds. Answers the timer.
   */
  async arm(rule: RuleView, ticket: TicketDoc, since: Record<string, { v: unknown; at: Date }>, schedule: boolean): Promise<TimerFields | null> {
    const id = this.timerId(rule, ticket);
    const entry = this.entry(rule, ticket, since);
    if (entry === null) {
      await this.d.Timer.deleteOne({ _id: id });
      return null;
    }
    const key = String(entry);
    const due = new Date(entry + rule.conditions.since!.hours * HOUR);
    const now = this.d.clock.now();
    const existing = await this.d.Timer.findById(id).lean();
    if (existing?.leaseUntil && existing.leaseUntil > now) return existing; // firing right now
    const ok = await this.filtersHold(rule, ticket);
    const sameEntry = existing && existing.entryKey === key && existing.rev === rule.rev;
    const fired = sameEntry && existing.firedFor === key;
    let dueAt: Date | null;
    let firedFor: string | null = sameEntry ? existing.firedFor : null;
    if (fired && ok) dueAt = null; // fired for this entry and still true: nothing more
    else if (fired && !ok) (firedFor = null), (dueAt = null); // the condition is false again: it may fire once more
    else dueAt = ok || due > now ? due : null; // not fired: due at its time, or waiting on its other conditions
    const timer: TimerFields = { _id: id, ruleId: rule.id, ticketId: String(ticket._id), entryKey: key, dueAt, rev: rule.rev, firedFor, leaseUntil: null };
    const changed = !existing || existing.entryKey !== key || existing.rev !== rule.rev || existing.firedFor !== firedFor || (existing.dueAt?.getTime() ?? null) !== (dueAt?.getTime() ?? null);
    if (changed) await this.d.Timer.replaceOne({ _id: id }, timer, { upsert: true });
    if (schedule && dueAt && (changed || dueAt <= now)) await this.schedule(timer);
    return timer;
  }

  private async schedule(t: TimerFields): Promise<void> {
    const data: TimeJob = { ruleId: t.ruleId, ticketId: t.ticketId, key: t.entryKey, rev: t.rev };
    const delay = Math.max(0, t.dueAt!.getTime() - this.d.clock.now().getTime());
    await this.d.queues.get('automation').add('time', data, { jobId: `time-${t.ruleId}-${t.ticketId}-${t.entryKey}-${t.rev}-${delay === 0 ? 'now' : 'at'}`, delay, attempts: 3, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
  }

  /** The job (or the sweeper): re-read the ticket and the rule, re-plan, and fire if the condition holds now. */
  async fire(job: TimeJob): Promise<'fired' | 'not-due' | 'gone' | 'waiting' | 'done'> {
    const rule = (await this.d.rules.active('time')).find((r) => r.id === job.ruleId);
    const ticket = Types.ObjectId.isValid(job.ticketId) ? await this.d.Ticket.findById(job.ticketId) : null;
    if (!rule || !ticket) {
      await this.d.Timer.deleteOne({ _id: `${job.ruleId}:${job.ticketId}` });
      return 'gone';
    }
    const since = this.sinceOf(ticket, await this.d.StateClock.findById(String(ticket._id)).lean());
    const timer = await this.arm(rule, ticket, since, false);
    if (!timer) return 'gone';
    const now = this.d.clock.now();
    if (timer.firedFor === timer.entryKey) return 'done';
    if (!timer.dueAt) return 'waiting';
    if (timer.dueAt.getTime() > now.getTime() + EARLY_MS) {
      await this.schedule(timer); // the due time moved (an edited rule, a re-planned SLA)
      return 'not-due';
    }
    const claimed = await this.d.Timer.findOneAndUpdate(
      { _id: timer._id, entryKey: timer.entryKey, firedFor: { $ne: timer.entryKey }, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
      { $set: { leaseUntil: new Date(now.getTime() + LEASE_MS) } },
      { new: true },
    );
    if (!claimed) return 'done';
    await this.d.engine.fire(rule, ticket, `time-${timer.entryKey}`);
    await this.d.Timer.updateOne({ _id: timer._id, entryKey: timer.entryKey }, { $set: { firedFor: timer.entryKey, dueAt: null, leaseUntil: null } });
    this.d.log.info({ ticket: ticket.number, rule: rule.id }, 'time rule fired');
    return 'fired';
  }

  /** Every minute: fires what is due (a lost job, a restart); timers are the truth, jobs only wake them sooner. */
  async sweep(limit = 500): Promise<{ due: number; fired: number }> {
    const now = this.d.clock.now();
    const due = await this.d.Timer.find({ dueAt: { $lte: now } }).sort({ dueAt: 1 }).limit(limit).lean();
    let fired = 0;
    for (const t of due) {
      if (t.leaseUntil && t.leaseUntil > now) continue;
      try {
        if ((await this.fire({ ruleId: t.ruleId, ticketId: t.ticketId, key: t.entryKey, rev: t.rev })) === 'fired') fired++;
      } catch (err) {
        this.d.log.warn({ timer: t._id, err: (err as Error).message }, 'time rule could not fire; the next sweep retries');
      }
    }
    return { due: due.length, fired };
  }

  /** A time rule created, edited, disabled or deleted: its old timers go, and a backfill plans the tickets in its state. */
  async ruleChanged(rule: RuleView, removed: boolean): Promise<void> {
    if (removed || !rule.active || rule.on !== 'time') {
      await this.d.Timer.deleteMany({ ruleId: rule.id });
      return;
    }
    await this.d.queues.get('automation').add('backfill', { ruleId: rule.id, rev: rule.rev, after: null }, { jobId: `backfill-${rule.id}-${rule.rev}-start`, removeOnComplete: true });
  }

  /** One batch of the tickets in the rule's state (by _id after `after`); the next batch is its own job. */
  async backfill(job: { ruleId: string; rev: number; after: string | null }): Promise<number> {
    const rule = (await this.d.rules.active('time')).find((r) => r.id === job.ruleId);
    const s = rule?.conditions.since;
    if (!rule || !s || rule.rev !== job.rev) return 0; // a newer revision has its own backfill
    const filter: Record<string, unknown> = { ...candidates(s.field, s.value) };
    if (job.after) filter._id = { $gt: new Types.ObjectId(job.after) };
    const batch = await this.d.Ticket.find(filter).sort({ _id: 1 }).limit(BACKFILL_BATCH);
    if (!batch.length) return 0;
    const clocks = new Map((await this.d.StateClock.find({ _id: { $in: batch.map((t) => String(t._id)) } }).lean()).map((c) => [c._id, c]));
    for (const t of batch) await this.arm(rule, t, this.sinceOf(t, clocks.get(String(t._id))), true);
    if (batch.length === BACKFILL_BATCH) {
      const last = String(batch[batch.length - 1]._id);
      await this.d.queues.get('automation').add('backfill', { ruleId: rule.id, rev: rule.rev, after: last }, { jobId: `backfill-${rule.id}-${rule.rev}-${last}`, removeOnComplete: true });
    }
    return batch.length;
  }
}

/** The tickets that may be in a watched state (a bounded query per batch; the timer decides). */
function candidates(field: string, value: unknown): Record<string, unknown> {
  if (field.startsWith('ticket.sla.')) {
    const path = `sla.${field.slice(11)}.status`;
    return { [path]: value === 'breached' ? { $in: ['active', 'breached'] } : value };
  }
  if (field.startsWith('fields.')) return { [field]: value };
  const name = field.replace(/^ticket\./, '');
  if (name === 'assignee') return { assigneeId: value && Types.ObjectId.isValid(String(value)) ? new Types.ObjectId(String(value)) : null };
  return { [name]: value };
}
