import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { TimerSet } from '../../infra/timer-set';
import type { Logger } from '../../logger';
import { ByIdReader } from '../../infra/by-id-reader';
import type { TicketDoc, TicketFields, TicketModel } from '../tickets/ticket.model';
import { isLiveStatus } from '../tickets/ticket.types';
import type { SlaFollowUps } from './sla-follow-up';
import type { Recipient, SlaNotifier } from './sla-notifier';
import { EVALUATION_FIELDS, plainSla, sameState, type SlaTicket, slaOf } from './sla-plain';
import { type DueEvent, type Escalation, nextCheck, type SlaState } from './sla-state';

/** A change of a ticket's SLA: the new state, null (none), or undefined (nothing to write). */
export type Mutation<T extends SlaTicket = TicketDoc> = (sla: SlaState | null, ticket: T) => Promise<SlaState | null | undefined>;
const MAX_HISTORY = 100;
/** A ticket as the timers' evaluation reads it: EVALUATION_FIELDS, plain data (its `sla` as stored). */
export type LeanTicket = SlaTicket & { sla?: unknown };

/** How a write reads and writes its ticket: hydrated (the written document returned), or lean (the timers' evaluation). */
interface TicketStore<T extends SlaTicket> {
  sla(t: T): SlaState | null;
  /** the conditional update; the ticket as written, or null when another write came first */
  update(t: T, cond: Record<string, unknown>, after: SlaState | null): Promise<T | null>;
  reread(t: T): Promise<T | null>;
}

export interface WriteResult<T> {
  doc: T;
  /** it wrote (and so re-planned the ticket's timer) */
  wrote: boolean;
  /** the write's follow-up job was queued */
  followUp: boolean;
}

export interface SlaWriterDeps {
  Ticket: TicketModel;
  clock: Clock;
  log: Logger;
  due: TimerSet;
}

/**
 * The SLA's writes: each a conditional update on `sla.rev` (retried on a concurrent write), so
 * the observer, the timers and the sweeper can race on one ticket without losing or doubling
 * anything; after a won write its escalations go to the sockets, its timer is re-planned and its
 * follow-up queued.
 */
export class SlaWriter {
  /** who an escalation being written goes to, decided once in record() and used once the write succeeds */
  private readonly recipients = new Map<string, Recipient[]>();
  private readonly hydrated: TicketStore<TicketDoc>;
  private readonly lean: TicketStore<LeanTicket>;
  private readonly leanReader: ByIdReader<TicketFields, LeanTicket>;

  constructor(
    private readonly d: SlaWriterDeps,
    private readonly notifier: SlaNotifier,
    private readonly followUps: SlaFollowUps,
  ) {
    const { Ticket } = d;
    this.leanReader = new ByIdReader<TicketFields, LeanTicket>(Ticket, { lean: true, projection: EVALUATION_FIELDS });
    this.hydrated = {
      sla: plainSla,
      update: (t, cond, after) => Ticket.findOneAndUpdate({ _id: t._id, ...cond }, { $set: { sla: after } }, { new: true }),
      reread: (t) => Ticket.findById(t._id),
    };
    // one conditional update, nothing read back: the ticket as written is the one read with its new SLA
    this.lean = {
      sla: (t) => slaOf(t.sla as Record<string, unknown> | null),
      update: async (t, cond, after) => ((await Ticket.updateOne({ _id: t._id, ...cond }, { $set: { sla: after } })).matchedCount ? { ...t, sla: after } : null),
      reread: (t) => this.readLean(t._id),
    };
  }

  /**
   * The timers' evaluation's read of a ticket: only the fields it needs (EVALUATION_FIELDS), plain
   * data; the reads of one moment (a claim's tickets) share one find by _id $in.
   */
  readLean(id: string | Types.ObjectId): Promise<LeanTicket | null> {
    return this.leanReader.get(id);
  }

  /** Reads, transforms and writes the SLA of a hydrated ticket; returns the saved ticket and what was done. */
  write(ticket: TicketDoc, fn: Mutation<TicketDoc>, refreshLater = false): Promise<WriteResult<TicketDoc>> {
    return this.run(this.hydrated, ticket, fn, refreshLater);
  }

  /** The same for a lean ticket (readLean): one conditional update, no document hydrated or read back. */
  writeLean<T extends LeanTicket>(ticket: T, fn: Mutation<T>, refreshLater = false): Promise<WriteResult<T>> {
    return this.run(this.lean as unknown as TicketStore<T>, ticket, fn, refreshLater);
  }

  private async run<T extends SlaTicket>(store: TicketStore<T>, ticket: T, fn: Mutation<T>, refreshLater: boolean): Promise<WriteResult<T>> {
    let current: T | null = ticket;
    for (let attempt = 0; attempt < 8 && current; attempt++) {
      const before = store.sla(current);
      const after = await fn(before && store.sla(current), current);
      if (after === undefined || sameState(before, after)) return { doc: current, wrote: false, followUp: false };
      if (after) Object.assign(after, { rev: (before?.rev ?? 0) + 1, nextCheckAt: nextCheck(after) });
      const cond = before ? { 'sla.rev': before.rev } : { $or: [{ sla: null }, { 'sla.policyId': null }] };
      const updated: T | null = await store.update(current, cond, after);
      if (updated) {
        const followUp = await this.afterWrite(updated, before, after, refreshLater);
        return { doc: updated, wrote: true, followUp };
      }
      for (const e of after?.escalations ?? []) if (!before?.escalations.some((b) => String(b._id) === String(e._id))) this.recipients.delete(String(e._id));
      current = await store.reread(current);
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
  async afterWrite(ticket: SlaTicket, before: SlaState | null, after: SlaState | null, refreshLater = false): Promise<boolean> {
    const known = new Set((before?.escalations ?? []).map((e) => String(e._id)));
    const told: [Escalation, Recipient[]][] = [];
    for (const e of (after?.escalations ?? []).filter((x) => !known.has(String(x._id)))) {
      told.push([e, this.recipients.get(String(e._id)) ?? (await this.notifier.recipients(ticket, e))]);
      this.recipients.delete(String(e._id));
    }
    for (const [e, recipients] of told) this.notifier.publish(ticket, e, recipients);
    const [queued] = await Promise.all([told.length ? this.followUps.queue(ticket, told, refreshLater) : false, this.plan(ticket, after?.rev ?? (before?.rev ?? 0) + 1, after)]);
    return queued;
  }

  /** The ticket's timer as its SLA at `rev` wants it: its next check while live, none else (never throws: the repair re-creates what this misses). */
  async plan(ticket: Pick<SlaTicket, '_id' | 'number' | 'status'>, rev: number, sla: { nextCheckAt?: Date | null } | null | undefined): Promise<void> {
    const at = isLiveStatus(ticket.status) ? (sla?.nextCheckAt ?? null) : null;
    await this.d.due.put(String(ticket._id), at, rev).catch((err: Error) => this.d.log.warn({ ticket: ticket.number, err: err.message }, 'sla timer not moved; the repair will'));
  }

  /** Records escalation events on the state (who was told is decided now and kept with them). */
  async record(ticket: Pick<SlaTicket, 'assigneeId' | 'team'>, sla: SlaState, events: (DueEvent & { reason?: string })[]): Promise<SlaState> {
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
}
