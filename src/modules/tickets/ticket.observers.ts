import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { SYSTEM, type Actor } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketDoc, TicketModel } from './ticket.model';

/** What a change changed, `[before, after]` per attribute; custom fields as `fields.<key>`. */
export type TicketChangeKey = 'status' | 'priority' | 'type' | 'team' | 'assignee' | 'subject' | 'channel' | 'tags' | 'unitId' | `fields.${string}`;
export type TicketChanges = Partial<Record<TicketChangeKey, [unknown, unknown]>>;

/** Which event an observer hears: the id of its journal entry (a change), so an observer can act once per change. */
export interface TicketEventRef {
  id: string;
}

/**
 * The observers of a ticket, in the order they run. Each reads the ticket as the ones before it
 * left it, so:
 * 1. `sla`: applies or moves the SLA first; everything after it shows the new due times.
 *    `automation`: the rules of the event (a rule's change runs through the whole chain before
 *    its observer returns), so a rule routing a ticket does so before chat routing offers it.
 * 2. `customers`: the teams of a customer's tickets, which decide who may see the customer.
 * 3. `chat`: the waiting queue of unassigned chats, joined before routing may take the chat out.
 * 4. `routing`: may assign a waiting chat at once (an assignment is a change of its own, which
 *    runs through the whole chain before routing returns the assigned ticket).
 * 5. `surveys`: a solve schedules the survey and the follow-up call; a reopen cancels them.
 * 6. `jobs`: the auto-close timer of a solved ticket.
 * 7. `search`: the words of the subject and messages in the search index, before agents hear of
 *    the ticket, so a search right after the socket event finds it.
 *    `webhooks`: queues the outgoing webhook deliveries of the event.
 * 8. `live`: last, so the queue index and the agents' sockets show what every other observer did.
 * A new domain that reacts to tickets adds its observer's name here, where its effect belongs
 * (before `live`), and contributes the observer from its AppModule (`ticketObservers`).
 */
export const OBSERVER_ORDER = ['sla', 'automation', 'customers', 'chat', 'routing', 'surveys', 'jobs', 'search', 'webhooks', 'live'] as const;
export type ObserverName = (typeof OBSERVER_ORDER)[number];

/**
 * What another module does when a ticket is created, gets a message or changes. An observer that
 * saves the ticket returns the saved document, and the next observer reads that one: an observer
 * never edits the document it was given. Every observer must be idempotent: a failed one is run
 * again (with the ticket as it is then) by the effects sweeper.
 */
/**
 * What the creation already read, so that observers need not read it again (issue #23: a new
 * ticket's round trips). Absent when the sweeper re-drives a creation: observers then read.
 */
export interface CreatedContext {
  /** the ticket's customer as the creation found or made it, with its `teams` */
  customer?: { _id: unknown; name: string; emails: string[]; phones: string[]; locale: string; teams?: string[] } | null;
}

/** A new ticket as it is about to be stored: what an observer may decide before the insert. */
export interface TicketDraft {
  priority: string;
  type: string;
  channel: string;
  team: string;
  status: string;
  createdAt: Date;
}

export interface TicketObserver {
  readonly name: ObserverName;
  /**
   * Fields of its own the observer wants on a new ticket from the start (the SLA's due times), so
   * that `created` need not write the ticket again (issue #23). Optional help, never a duty: when
   * it throws, the ticket is stored without them and `created` does the work as before.
   */
  prepare?(draft: TicketDraft): Promise<Record<string, unknown> | void>;
  /** `first`: the message the ticket was opened with (null for one opened without words, or when it is gone) */
  created?(ticket: TicketDoc, first: MessageDoc | null, ctx?: CreatedContext): Promise<TicketDoc | void>;
  messageAdded?(ticket: TicketDoc, message: MessageDoc): Promise<TicketDoc | void>;
  /**
   * A stored message's delivery status changed (queued → sent or failed): nothing about the ticket
   * or the words changed, so only what shows the status hears of it (the agents' view), not every
   * observer of a new message again (issue #23: an acknowledgement's second pass).
   */
  deliveryChanged?(ticket: TicketDoc, message: MessageDoc): Promise<void>;
  changed?(ticket: TicketDoc, changes: TicketChanges, actor: Actor, event: TicketEventRef): Promise<TicketDoc | void>;
}

export type TicketEventKind = 'created' | 'changed' | 'message';

/** The journal entry of one event, written onto the ticket with the change that raised it. */
export interface EffectEntry {
  id: string;
  event: TicketEventKind;
  changes: TicketChanges | null;
  actor: Actor | null;
  messageId: Types.ObjectId | null;
  pending: string[];
  attempts: number;
  nextAt: Date;
  lastError?: string | null;
}

/** A chain still running is left alone this long before the sweeper takes its entry as abandoned (a crash). */
const RUNNING_LEASE_MS = 2 * 60 * 1000;
const RETRY_BASE_MS = 30 * 1000;
const RETRY_MAX_MS = 60 * 60 * 1000;
/** finished entries are removed in a batch this soon after the first of them */
const FLUSH_AFTER_MS = 25;

export interface TicketEventsDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  clock: Clock;
  log: Logger;
}

/**
 * The observer chain with durable side effects. `created` and `changed` events are journaled: the
 * write that creates or changes the ticket carries an `effects` entry, removed once every observer
 * did its part. An observer that throws is logged, the chain goes on without it, and its name stays
 * in the entry for the sweeper (`redrive`), which runs it again with backoff until it succeeds: a
 * failed survey or SLA is late, never lost. Messages are the hot path (a busy chat): they are not
 * journaled ahead, only an observer that fails on one leaves an entry.
 */
export class TicketEvents {
  private observers: TicketObserver[] = [];
  /** entries whose chains all succeeded, removed together off the request's path (see settle) */
  private done: { ticketId: Types.ObjectId; id: string }[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly d: TicketEventsDeps) {}

  /** Sets the chain from every module's observers, in OBSERVER_ORDER; an unknown or repeated name is a wiring error. */
  use(observers: TicketObserver[]): void {
    const seen = new Set<string>();
    for (const o of observers) {
      if (!(OBSERVER_ORDER as readonly string[]).includes(o.name)) throw new Error(`ticket observer ${o.name} is not in OBSERVER_ORDER (src/modules/tickets/ticket.observers.ts)`);
      if (seen.has(o.name)) throw new Error(`two ticket observers named ${o.name}`);
      seen.add(o.name);
    }
    this.observers = [...observers].sort((a, b) => OBSERVER_ORDER.indexOf(a.name) - OBSERVER_ORDER.indexOf(b.name));
  }

  /** A journal entry for a create or change; push it with the write (`$push: { effects: entry }`). */
  entry(event: TicketEventKind, fields: { changes?: TicketChanges; actor?: Actor; messageId?: Types.ObjectId } = {}): EffectEntry {
    return {
      id: randomUUID(),
      event,
      changes: fields.changes ?? null,
      actor: fields.actor ?? null,
      messageId: fields.messageId ?? null,
      pending: [],
      attempts: 0,
      nextAt: new Date(this.d.clock.now().getTime() + RUNNING_LEASE_MS),
    };
  }

  /** The fields the observers want on a new ticket before it is stored (see TicketObserver.prepare). */
  async prepare(draft: TicketDraft): Promise<Record<string, unknown>> {
    const fields: Record<string, unknown> = {};
    for (const o of this.observers) {
      if (!o.prepare) continue;
      try {
        Object.assign(fields, await o.prepare(draft));
      } catch (err) {
        this.d.log.warn({ observer: o.name, err: (err as Error).message }, 'ticket observer could not prepare a new ticket; it acts once the ticket is stored');
      }
    }
    return fields;
  }

  /** Runs the observers of a new ticket and its first message; returns the ticket as the last of them left it. */
  async created(ticket: TicketDoc, entry: EffectEntry, first: MessageDoc | null = null, ctx: CreatedContext = {}): Promise<TicketDoc> {
    return (await this.run(ticket, entry, (o, t) => o.created?.(t, first, ctx))).ticket;
  }

  async changed(ticket: TicketDoc, changes: TicketChanges, actor: Actor, entry: EffectEntry): Promise<TicketDoc> {
    return (await this.run(ticket, entry, (o, t) => o.changed?.(t, changes, actor, { id: entry.id }))).ticket;
  }

  /** A message on the ticket; `entry` when the write journaled it (an agent's reply), else only a failure is recorded. */
  async messageAdded(ticket: TicketDoc, message: MessageDoc, entry?: EffectEntry): Promise<TicketDoc> {
    return (await this.run(ticket, entry ?? null, (o, t) => o.messageAdded?.(t, message), message._id as Types.ObjectId)).ticket;
  }

  /** A message's delivery status changed (see TicketObserver.deliveryChanged); a failure is re-driven as the message's. */
  async deliveryChanged(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    if (!this.observers.some((o) => o.deliveryChanged)) return;
    await this.run(ticket, null, (o, t) => o.deliveryChanged?.(t, message), message._id as Types.ObjectId);
  }

  private async run(
    ticket: TicketDoc,
    entry: EffectEntry | null,
    call: (o: TicketObserver, t: TicketDoc) => Promise<TicketDoc | void> | undefined,
    messageId?: Types.ObjectId,
  ): Promise<{ ticket: TicketDoc; failed: string[] }> {
    const only = entry?.pending.length ? entry.pending : null;
    let current = ticket;
    const failed: string[] = [];
    let lastError: string | null = null;
    for (const o of this.observers) {
      if (only && !only.includes(o.name)) continue;
      try {
        const next = await call(o, current);
        if (next) current = next;
      } catch (err) {
        failed.push(o.name);
        lastError = String((err as Error)?.message ?? err).slice(0, 300);
        this.d.log.error({ ticket: ticket.number, observer: o.name, event: entry?.event ?? 'message', err }, 'ticket observer failed; the effects sweeper will retry it');
      }
    }
    await this.settle(ticket._id as Types.ObjectId, entry, failed, lastError, messageId).catch((err) =>
      this.d.log.warn({ ticket: ticket.number, err: (err as Error).message }, 'effects journal not updated; the sweeper will re-drive the event'),
    );
    return { ticket: current, failed };
  }

  private async settle(ticketId: Types.ObjectId, entry: EffectEntry | null, failed: string[], lastError: string | null, messageId?: Types.ObjectId): Promise<void> {
    if (!entry) {
      if (!failed.length) return;
      const fresh: EffectEntry = { ...this.entry('message', { messageId }), pending: failed, attempts: 1, nextAt: this.retryAt(1), lastError };
      await this.d.Ticket.updateOne({ _id: ticketId }, { $push: { effects: fresh } });
      return;
    }
    if (!failed.length) {
      // Done: removed in one bulk write with the others of the moment, so a create or change costs
      // no extra round trip. Lost with a crash before the flush, the entry is re-driven: harmless,
      // every observer being idempotent.
      this.done.push({ ticketId, id: entry.id });
      this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.flushTimer.unref?.();
      return;
    }
    const attempts = entry.attempts + 1;
    await this.d.Ticket.updateOne(
      { _id: ticketId, 'effects.id': entry.id },
      { $set: { 'effects.$.pending': failed, 'effects.$.attempts': attempts, 'effects.$.nextAt': this.retryAt(attempts), 'effects.$.lastError': lastError } },
    );
  }

  /** Removes the entries of the chains that finished (also at shutdown). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.done.splice(0);
    if (batch.length) {
      this.flushing = this.flushing
        .then(() => this.d.Ticket.bulkWrite(batch.map((b) => ({ updateOne: { filter: { _id: b.ticketId }, update: { $pull: { effects: { id: b.id } } } } })), { ordered: false }))
        .then(
          () => undefined,
          (err: Error) => this.d.log.warn({ entries: batch.length, err: err.message }, 'finished effects not cleared; the sweeper will find them done'),
        );
    }
    return this.flushing;
  }

  private retryAt(attempts: number): Date {
    return new Date(this.d.clock.now().getTime() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1)));
  }

  /**
   * The effects sweeper: every entry whose time has come (a failed observer's retry, or a chain a
   * crash cut short) is claimed with a conditional update, so two workers never run it twice, and
   * its observers run again on the ticket as it is now.
   */
  async redrive(limit = 200): Promise<{ redriven: number; failed: number }> {
    const now = this.d.clock.now();
    const tickets = await this.d.Ticket.find({ 'effects.nextAt': { $lte: now } }, { _id: 1, effects: 1 }).limit(limit).lean();
    let redriven = 0;
    let failed = 0;
    for (const t of tickets) {
      for (const e of (t.effects ?? []) as EffectEntry[]) {
        if (e.nextAt.getTime() > now.getTime()) continue;
        // The claim: one atomic update answering the document before it; only the worker that saw
        // the entry still due (its nextAt unchanged) runs it.
        const claimed = await this.d.Ticket.findOneAndUpdate({ _id: t._id, 'effects.id': e.id }, { $set: { 'effects.$.nextAt': new Date(now.getTime() + RUNNING_LEASE_MS) } }, { new: false });
        const seen = (claimed?.effects ?? []).find((x) => x.id === e.id);
        if (!claimed || !seen || seen.nextAt.getTime() !== e.nextAt.getTime()) continue; // settled meanwhile, or another worker took it
        const entry: EffectEntry = { ...e, pending: [...(e.pending ?? [])] };
        let call: ((o: TicketObserver, x: TicketDoc) => Promise<TicketDoc | void> | undefined) | null = null;
        if (e.event === 'created') {
          // the first message, when the ticket was opened with one (its id is in the entry)
          const first = e.messageId ? await this.d.Message.findById(e.messageId) : null;
          call = (o, x) => o.created?.(x, first);
        }
        else if (e.event === 'changed') call = (o, x) => o.changed?.(x, (e.changes ?? {}) as TicketChanges, (e.actor ?? SYSTEM) as Actor, { id: e.id });
        else {
          const message = e.messageId ? await this.d.Message.findById(e.messageId) : null;
          if (message) call = (o, x) => o.messageAdded?.(x, message);
        }
        if (!call) {
          await this.d.Ticket.updateOne({ _id: t._id }, { $pull: { effects: { id: e.id } } }); // its message is gone: nothing is owed
          continue;
        }
        const res = await this.run(claimed, entry, call);
        redriven++;
        if (res.failed.length) failed++;
      }
    }
    return { redriven, failed };
  }
}
