import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { AgentModel } from '../agents/agent.model';
import type { AgentService } from '../agents/agent.service';
import type { Principal } from '../auth/principal';
import { normalizePhone, type CustomerService } from '../customers/customer.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import type { Actor } from '../../core/types';
import type { CallbackNotifier } from './callback.notify';
import {
  AttemptOutcome,
  CallbackDoc,
  CallbackKind,
  CallbackModel,
  CallbackStatus,
  OPEN_CALLBACK_STATUSES,
} from './callback.model';
import { CallbackView, loadAgentNames, loadContext, serializeCallback, type ContextModels } from './callback.serialize';

/** When a team can next take a call; the calendars module provides the real one. */
export interface BusinessHours {
  nextOpening(team: string, at: Date): Promise<Date>;
}
export const ALWAYS_OPEN: BusinessHours = { nextOpening: async (_team, at) => at };

export interface CallbackServiceDeps {
  Callback: CallbackModel;
  Agent: AgentModel;
  agents: Pick<AgentService, 'assignable'>;
  tickets: Pick<TicketService, 'byId' | 'visible'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'receiveFromCustomer'>;
  updates: Pick<TicketUpdates, 'update'>;
  customers: Pick<CustomerService, 'get'>;
  notifier: CallbackNotifier;
  queues: Queues;
  /** when a team can next take a call (the calendars module), for tasks without a due time */
  hours: BusinessHours;
  clock: Clock;
  log: Logger;
  /** CALLBACK_RETRY_DELAY */
  retryDelayMs: number;
  /** the tickets and customers a task list shows (subject, status, the customer's name and phones) */
  context?: ContextModels;
}

/** A task gives up after this many attempts without reaching the customer. */
export const MAX_ATTEMPTS = 3;
/** A job may wake up a little before the stored due time (clock skew between processes). */
const EARLY_TOLERANCE_MS = 1000;

export interface CreateCallbackInput {
  kind: CallbackKind;
  ticketId: string;
  phone?: string | null;
  /** absent: now, or the team's next business opening */
  dueAt?: Date;
  team: string;
  assigneeId?: string | null;
  note?: string;
  /** the survey answer behind a low-rating task */
  survey?: { score: number; comment: string | null };
  /** one task per cause; a second create with the same key returns the first task */
  dedupeKey?: string;
}

export interface AttemptInput {
  outcome: AttemptOutcome;
  note?: string;
  satisfied?: boolean;
  resolved?: boolean;
}

export interface CallbackFilter {
  status?: CallbackStatus[];
  kind?: CallbackKind[];
  team?: string;
  mine?: boolean;
  ticketNumber?: number;
  limit?: number;
}

/**
 * Callback and follow-up (回访) tasks. MongoDB holds the truth (status, due time, attempts); a
 * BullMQ delayed job per attempt (`callback-due-<id>-<attempt>`) is the trigger that makes a task
 * due, and a sweeper every minute makes due whatever a lost job left behind.
 */
export class CallbackService {
  readonly Callback: CallbackModel;

  constructor(private readonly d: CallbackServiceDeps) {
    this.Callback = d.Callback;
  }

  /** The task of one cause (`call:<callId>`, `followup-...`), if any. */
  byKey(dedupeKey: string): Promise<CallbackDoc | null> {
    return this.d.Callback.findOne({ dedupeKey });
  }

  async create(input: CreateCallbackInput): Promise<CallbackDoc> {
    const { Callback } = this.d;
    if (input.dedupeKey) {
      const existing = await Callback.findOne({ dedupeKey: input.dedupeKey });
      if (existing) return existing;
    }
    const ticket = Types.ObjectId.isValid(input.ticketId) ? await this.d.tickets.byId(input.ticketId) : null;
    if (!ticket) throw new NotFoundError('Ticket');
    const dueAt = input.dueAt ?? (await this.d.hours.nextOpening(input.team, this.d.clock.now()));
    let cb: CallbackDoc;
    try {
      cb = await Callback.create({
        kind: input.kind,
        ticketId: ticket._id,
        ticketNumber: ticket.number,
        team: input.team,
        assigneeId: input.assigneeId ? new Types.ObjectId(input.assigneeId) : null,
        phone: input.phone ? normalizePhone(input.phone) : null,
        dueAt,
        status: 'scheduled',
        note: input.note ?? null,
        survey: input.survey ?? null,
        ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
      });
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const existing = await Callback.findOne({ dedupeKey: input.dedupeKey });
        if (existing) return existing;
      }
      throw err;
    }
    await this.d.timeline.addEvent(ticket, { type: 'callback_scheduled', data: { callbackId: String(cb._id), kind: cb.kind, dueAt, phone: cb.phone ?? null } }, `Callback (${cb.kind}) scheduled for ${dueAt.toISOString()}`, { key: `callback-scheduled:${cb._id}` });
    await this.schedule(cb);
    return cb;
  }

  /** An agent (or an integration acting as one) schedules a callback the customer asked for. */
  async request(principal: Principal, input: { ticketNumber: number; phone?: string | null; dueAt: Date; note?: string; assigneeId?: string | null }): Promise<CallbackDoc> {
    const ticket = await this.d.tickets.visible(input.ticketNumber, principal);
    const customer = await this.d.customers.get(String(ticket.customerId));
    const phone = input.phone ?? customer.phones[0] ?? null;
    if (!phone || !normalizePhone(phone).replace('+', '')) throw new ValidationError('No phone number to call: give `phone`');
    if (input.assigneeId) await this.d.agents.assignable(input.assigneeId, ticket.team);
    return this.create({ kind: 'requested', ticketId: String(ticket._id), team: ticket.team, phone, dueAt: input.dueAt, note: input.note, assigneeId: input.assigneeId ?? null });
  }

  async get(id: string): Promise<CallbackDoc> {
    const cb = Types.ObjectId.isValid(id) ? await this.d.Callback.findById(id) : null;
    if (!cb) throw new NotFoundError('Callback');
    return cb;
  }

  /** Cancels the ticket's open tasks (of the given kinds); their jobs find them cancelled and do nothing. */
  async cancelForTicket(ticketId: string, kinds?: CallbackKind[]): Promise<number> {
    if (!Types.ObjectId.isValid(ticketId)) return 0;
    const filter: Record<string, unknown> = { ticketId: new Types.ObjectId(ticketId), status: { $in: [...OPEN_CALLBACK_STATUSES] } };
    if (kinds) filter.kind = { $in: kinds };
    const open = await this.d.Callback.find(filter, { _id: 1, attempts: 1 });
    if (!open.length) return 0;
    const res = await this.d.Callback.updateMany({ _id: { $in: open.map((c) => c._id) }, status: { $in: [...OPEN_CALLBACK_STATUSES] } }, { $set: { status: 'cancelled', completedAt: this.d.clock.now() } });
    for (const c of open) await this.d.queues.remove('callbacks', jobId(c)).catch(() => undefined);
    return res.modifiedCount;
  }

  /** Records one call attempt. Concurrent attempts on the same task: the second gets 409. */
  async recordAttempt(id: string, principal: Principal, input: AttemptInput): Promise<CallbackDoc> {
    const cb = await this.get(id);
    if (!principal.canSeeTeam(cb.team)) throw new NotFoundError('Callback'); // as if absent: ids of other teams' tasks tell nothing
    if (!(OPEN_CALLBACK_STATUSES as readonly string[]).includes(cb.status)) throw new ConflictError(`This callback is already ${cb.status}`, 'callback_closed');
    const now = this.d.clock.now();
    const count = cb.attempts.length + 1;
    const set: Record<string, unknown> = { outcome: input.outcome };
    if (input.note !== undefined) set.note = input.note;
    if (input.satisfied !== undefined) set.satisfied = input.satisfied;
    if (input.resolved !== undefined) set.resolved = input.resolved;
    let failed = false;
    if (input.outcome === 'reached') Object.assign(set, { status: 'done', completedAt: now });
    else if (input.outcome === 'wrong_number' || count >= MAX_ATTEMPTS) (failed = true), Object.assign(set, { status: 'failed', completedAt: now });
    else Object.assign(set, { status: 'scheduled', dueAt: new Date(now.getTime() + this.d.retryDelayMs) });
    const attempt = { at: now, agentId: new Types.ObjectId(principal.id), outcome: input.outcome, note: input.note ?? null, satisfied: input.satisfied ?? null, resolved: input.resolved ?? null };
    const updated = await this.d.Callback.findOneAndUpdate(
      { _id: cb._id, status: { $in: [...OPEN_CALLBACK_STATUSES] }, attempts: { $size: cb.attempts.length } },
      { $set: set, $push: { attempts: attempt } },
      { new: true },
    );
    if (!updated) throw new ConflictError('Someone recorded an attempt on this callback meanwhile; reload it', 'stale_view');

    const actor: Actor = { type: 'agent', id: principal.id, name: principal.name };
    const ticket = await this.d.tickets.byId(updated.ticketId as Types.ObjectId);
    if (ticket) {
      const data = {
        callbackId: String(updated._id),
        kind: updated.kind,
        attempt: count,
        outcome: input.outcome,
        satisfied: input.satisfied ?? null,
        resolved: input.resolved ?? null,
        status: updated.status,
        nextDueAt: updated.status === 'scheduled' ? updated.dueAt : null,
        by: principal.name,
        note: input.note ?? null,
      };
      await this.d.timeline.addEvent(ticket, { type: 'callback_attempt', data }, `${principal.name}: callback attempt ${count} (${input.outcome})${input.note ? ` — ${input.note}` : ''}`, { key: `callback-attempt:${updated._id}:${count}` });
    }
    if (updated.status === 'scheduled') await this.schedule(updated);
    if (failed) await this.d.notifier.failed(updated, ticket);
    // A follow-up call where the customer says the problem persists puts the case back into work.
    if (input.outcome === 'reached' && input.resolved === false && (updated.kind === 'follow_up' || updated.kind === 'low_rating') && ticket) {
      await this.reopen(ticket, input.note, actor);
    }
    return updated;
  }

  async list(principal: Principal, filter: CallbackFilter): Promise<CallbackView[]> {
    const q: Record<string, unknown> = principal.teamScope(filter.team);
    if (filter.status?.length) q.status = { $in: filter.status };
    if (filter.kind?.length) q.kind = { $in: filter.kind };
    if (filter.mine) q.assigneeId = new Types.ObjectId(principal.id);
    if (filter.ticketNumber) q.ticketNumber = filter.ticketNumber;
    const docs = await this.d.Callback.find(q).sort({ dueAt: 1, _id: 1 }).limit(filter.limit ?? 100);
    return this.views(docs);
  }

  async view(cb: CallbackDoc): Promise<CallbackView> {
    return (await this.views([cb]))[0];
  }

  async views(cbs: CallbackDoc[]): Promise<CallbackView[]> {
    const [names, context] = await Promise.all([loadAgentNames(cbs, this.d.Agent), this.d.context ? loadContext(cbs, this.d.context) : null]);
    return cbs.map((cb) => serializeCallback(cb, names, context));
  }

  // ---- timers --------------------------------------------------------------------------------

  /** The trigger: a delayed job for the task's current attempt. A lost job is repaired by the sweeper. */
  async schedule(cb: CallbackDoc): Promise<void> {
    const delay = Math.max(0, cb.dueAt.getTime() - this.d.clock.now().getTime());
    try {
      await this.d.queues.schedule('callbacks', 'due', { callbackId: String(cb._id) }, { jobId: jobId(cb), delay, replace: true });
    } catch (err) {
      this.d.log.warn({ callback: String(cb._id), err: (err as Error).message }, 'callback timer not set; the sweeper will deliver it');
    }
  }

  /** Makes a scheduled task due once its time has come and tells the agents; idempotent. */
  async fire(id: string): Promise<boolean> {
    if (!Types.ObjectId.isValid(id)) return false;
    const now = this.d.clock.now().getTime();
    const cb = await this.d.Callback.findOneAndUpdate(
      { _id: new Types.ObjectId(id), status: 'scheduled', dueAt: { $lte: new Date(now + EARLY_TOLERANCE_MS) } },
      { $set: { status: 'due' } },
      { new: true },
    );
    if (!cb) return false; // done, cancelled, already due, or rescheduled: nothing to do
    await this.d.notifier.due(cb, await this.view(cb));
    return true;
  }

  /** Makes due whatever is past its time and still scheduled (a lost job, a worker that was down). */
  async sweep(): Promise<{ due: number }> {
    const now = this.d.clock.now();
    const late = await this.d.Callback.find({ status: 'scheduled', dueAt: { $lte: now } }, { _id: 1 }).sort({ dueAt: 1 }).limit(500).lean();
    let due = 0;
    for (const c of late) if (await this.fire(String(c._id))) due++;
    return { due };
  }

  /** The customer says the problem persists: back into work (a voicemail-task upgrade aside, the only way a task changes its ticket). */
  private async reopen(ticket: TicketDoc, note: string | undefined, actor: Actor): Promise<void> {
    if (ticket.status === 'closed') {
      // A closed ticket never changes: the customer's words open a linked one, as a new message would.
      const customer = await this.d.customers.get(String(ticket.customerId));
      await this.d.timeline.receiveFromCustomer(ticket, { body: note?.trim() || 'Follow-up call: not resolved', channel: 'voice' }, { type: 'customer', id: String(customer._id), name: customer.name });
      return;
    }
    if (ticket.status === 'open' || ticket.status === 'new') return;
    await this.d.updates.update(ticket.number, { status: 'open' }, null, actor);
  }

  /** A voicemail after a missed ring: the call's task becomes a voicemail task with the recording as its note. */
  async upgradeToVoicemail(cb: CallbackDoc, recordingUrl: string | null): Promise<void> {
    await this.d.Callback.updateOne({ _id: cb._id, kind: 'missed_call' }, { $set: { kind: 'voicemail', note: recordingUrl } });
  }
}

export function jobId(cb: { _id: unknown; attempts: unknown[] }): string {
  return `callback-due-${String(cb._id)}-${cb.attempts.length}`;
}
