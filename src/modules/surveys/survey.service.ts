import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { CallbackService } from '../callbacks/callback.service';
import type { CustomerService } from '../customers/customer.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import type { Locale } from '../../core/types';
import type { TicketType } from '../tickets/ticket.types';
import type { SurveyDoc, SurveyModel, SurveyStatus } from './survey.model';
import { SURVEY_TOKEN_TTL_MS, SurveyTokens } from './survey.token';

/** What this module needs of the callback tasks. */
export type CallbackTasks = Pick<CallbackService, 'create' | 'cancelForTicket'>;

/** Is the chat visitor of this ticket still connected? null: the chat module cannot tell. */
export type ChatPresence = (ticket: TicketDoc) => Promise<boolean | null>;

export interface SurveyServiceDeps {
  Survey: SurveyModel;
  Agent: AgentModel;
  tickets: Pick<TicketService, 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  customers: Pick<CustomerService, 'get'>;
  callbacks: CallbackTasks;
  /** whether a chat's visitor is still there (else the survey goes by email) */
  chatPresence: ChatPresence;
  queues: Queues;
  outbox: MailOutbox;
  realtime: Realtime;
  clock: Clock;
  log: Logger;
  config: { sessionSecret: string; publicUrl: string; surveyDelayMs: number; followupDelayMs: number };
}

export interface SurveyOptions {
  /** ticket types that get a follow-up call (回访) after they are solved */
  followUpTypes?: readonly TicketType[];
  tokenTtlMs?: number;
}

export const DEFAULT_FOLLOW_UP_TYPES: readonly TicketType[] = ['fault', 'complaint', 'warranty'];
const OPEN_STATUSES: SurveyStatus[] = ['scheduled', 'offered'];

export const surveyJobId = (ticketId: string, round: number) => `survey-${ticketId}-${round}`;
export const followUpKey = (ticketId: string, round: number) => `followup-${ticketId}-${round}`;

/**
 * Scheduling and offering satisfaction surveys, and scheduling follow-up calls, around the solve of
 * a ticket. The delayed job is a trigger: the survey document is the state, and the sweeper
 * re-creates triggers that went missing.
 */
export class SurveyService {
  readonly tokens: SurveyTokens;
  readonly followUpTypes: readonly TicketType[];
  readonly tokenTtlMs: number;
  readonly Survey: SurveyModel;

  constructor(
    private readonly d: SurveyServiceDeps,
    opts: SurveyOptions = {},
  ) {
    this.Survey = d.Survey;
    this.tokens = new SurveyTokens(d.config.sessionSecret);
    this.followUpTypes = opts.followUpTypes ?? DEFAULT_FOLLOW_UP_TYPES;
    this.tokenTtlMs = opts.tokenTtlMs ?? SURVEY_TOKEN_TTL_MS;
  }

  private get log() {
    return this.d.log;
  }

  // ---- solve and reopen ----------------------------------------------------------------------

  /** A ticket became solved: a survey after SURVEY_DELAY and, for some types, a follow-up call. */
  async onSolved(ticket: TicketDoc): Promise<SurveyDoc | null> {
    const { config, clock } = this.d;
    const now = clock.now();
    const customer = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
    const survey = await this.createRound(ticket, ticket.reopenCount + 1, (customer?.locale as Locale) ?? 'en', now);
    if (survey.status === 'scheduled') {
      await this.d.queues.schedule('surveys', 'offer', { surveyId: String(survey._id) }, { jobId: surveyJobId(String(ticket._id), survey.round), delay: config.surveyDelayMs });
    }
    if (this.followUpTypes.includes(ticket.type as TicketType)) {
      const agent = ticket.solvedBy ?? ticket.assigneeId;
      await this.d.callbacks.create({
        kind: 'follow_up',
        ticketId: String(ticket._id),
        phone: customer?.phones[0] ?? null,
        dueAt: new Date(now.getTime() + config.followupDelayMs),
        team: ticket.team,
        assigneeId: agent ? String(agent) : null,
        dedupeKey: followUpKey(String(ticket._id), survey.round),
      });
    }
    return survey;
  }

  /**
   * The survey of one solve. Idempotent by round: a chat rating given before the solve already
   * made the round's survey (answered), so the customer is not asked twice.
   */
  private async createRound(ticket: TicketDoc, round: number, locale: Locale, now: Date): Promise<SurveyDoc> {
    const scheduledFor = new Date(now.getTime() + this.d.config.surveyDelayMs);
    const doc = {
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      team: ticket.team,
      agentId: ticket.assigneeId ?? ticket.solvedBy ?? null,
      channel: ticket.channel,
      locale,
      customerId: ticket.customerId,
      status: 'scheduled' as const,
      scheduledFor,
      // deterministic, so a retried offer job signs the same link as the first attempt
      expiresAt: new Date(scheduledFor.getTime() + this.tokenTtlMs),
      round,
      dedupeKey: surveyJobId(String(ticket._id), round),
    };
    try {
      return await this.Survey.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const existing = await this.Survey.findOne({ dedupeKey: doc.dedupeKey });
      if (existing && existing.status !== 'cancelled') return existing;
      // the round was used up by a reopen that did not count (reopenCount not raised): take the next free one
      const last = await this.Survey.findOne({ ticketId: ticket._id }).sort({ round: -1 });
      return this.createRound(ticket, (last?.round ?? round) + 1, locale, now);
    }
  }

  /** The ticket left solved for live work again: what was waiting for the solve is void. */
  async onReopened(ticket: TicketDoc): Promise<number> {
    const pending = await this.Survey.find({ ticketId: ticket._id, status: 'scheduled' });
    let cancelled = 0;
    for (const s of pending) {
      const res = await this.Survey.updateOne({ _id: s._id, status: 'scheduled' }, { $set: { status: 'cancelled', reason: 'reopened' } });
      cancelled += res.modifiedCount;
      await this.d.queues.remove('surveys', surveyJobId(String(ticket._id), s.round));
    }
    await this.d.callbacks.cancelForTicket(String(ticket._id), ['follow_up']);
    if (cancelled) this.log.info({ ticket: ticket.number, cancelled }, 'pending survey cancelled by reopen');
    return cancelled;
  }

  // ---- offering ------------------------------------------------------------------------------

  link(token: string): string {
    return `${this.d.config.publicUrl}/survey/${token}`;
  }

  /** The delayed job: re-read the world, then offer the survey on the ticket's channel. */
  async offer(surveyId: string): Promise<{ status: string; via?: string; reason?: string }> {
    const s = Types.ObjectId.isValid(surveyId) ? await this.Survey.findById(surveyId) : null;
    if (!s || s.status !== 'scheduled') return { status: s?.status ?? 'missing' };
    const ticket = await this.d.tickets.byId(s.ticketId as Types.ObjectId);
    if (!ticket) return this.cancel(s, 'ticket_gone');
    if (ticket.status !== 'solved' && ticket.status !== 'closed') return this.cancel(s, 'reopened');
    const customer = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
    const locale = ((customer?.locale as Locale) ?? s.locale ?? 'en') as Locale;
    const email = customer?.emails[0] ?? null;
    const expiresAt = s.expiresAt ?? new Date(this.d.clock.now().getTime() + this.tokenTtlMs);
    const token = this.tokens.sign(String(s._id), expiresAt);

    let via: 'email' | 'chat' | null = email ? 'email' : null;
    if (ticket.channel === 'chat') {
      const present = await this.d.chatPresence(ticket).catch(() => null);
      // presence unknown: email is the surer way when there is an address, else try the widget
      if (present === true || (present === null && !email)) via = 'chat';
    }
    if (!via) {
      await this.d.timeline.addEvent(ticket, { type: 'survey_skipped', data: { surveyId: String(s._id), reason: 'no_contact' } }, 'Satisfaction survey not sent: no email address or open chat', { key: `survey-skipped:${s._id}` });
      return this.cancel(s, 'no_contact');
    }

    if (via === 'email') {
      const agent = s.agentId ? await this.d.Agent.findById(s.agentId, { name: 1 }).lean() : null;
      await this.d.outbox.send(
        {
          to: email!,
          template: 'survey-request',
          locale,
          data: { customerName: customer?.name ?? '', ticketNumber: ticket.number, subject: ticket.subject, agentName: agent?.name ?? null, link: this.link(token), scores: [1, 2, 3, 4, 5].map((n) => ({ n, link: `${this.link(token)}?score=${n}` })), expiresAt },
        },
        `survey-mail-${s._id}`,
      );
    } else {
      this.d.realtime.toChat(ticket.number, 'survey:offer', { token, ticketNumber: ticket.number, url: this.link(token), scale: 5, expiresAt: expiresAt.toISOString() });
    }
    const res = await this.Survey.updateOne(
      { _id: s._id, status: 'scheduled' },
      { $set: { status: 'offered', offeredAt: this.d.clock.now(), offeredVia: via, expiresAt, locale } },
    );
    if (res.modifiedCount) {
      await this.d.timeline.addEvent(ticket, { type: 'survey_offered', data: { surveyId: String(s._id), via, round: s.round, to: via === 'email' ? email : null } }, via === 'email' ? `Satisfaction survey sent to ${email}` : 'Satisfaction survey offered in the chat', { key: `survey-offered:${s._id}` });
    }
    this.log.info({ ticket: ticket.number, survey: String(s._id), via }, 'survey offered');
    return { status: 'offered', via };
  }

  private async cancel(s: SurveyDoc, reason: string): Promise<{ status: string; reason: string }> {
    await this.Survey.updateOne({ _id: s._id, status: { $in: OPEN_STATUSES } }, { $set: { status: 'cancelled', reason } });
    this.log.info({ ticket: s.ticketNumber, survey: String(s._id), reason }, 'survey cancelled');
    return { status: 'cancelled', reason };
  }

  // ---- reading -------------------------------------------------------------------------------

  async list(principal: Principal, f: { ticket?: number; status?: SurveyStatus; team?: string; limit: number; cursor?: string }): Promise<{ surveys: SurveyDoc[]; nextCursor: string | null }> {
    const q: Record<string, unknown> = principal.teamScope(f.team);
    if (f.ticket !== undefined) q.ticketNumber = f.ticket;
    if (f.status) q.status = f.status;
    if (f.cursor) q._id = { $lt: new Types.ObjectId(f.cursor) };
    const rows = await this.Survey.find(q).sort({ _id: -1 }).limit(f.limit + 1);
    const more = rows.length > f.limit;
    const surveys = rows.slice(0, f.limit);
    return { surveys, nextCursor: more ? String(surveys[surveys.length - 1]._id) : null };
  }

  // ---- the sweeper ---------------------------------------------------------------------------

  /** Expires old offers and re-creates triggers lost with Redis (offer jobs, answer handling). */
  async sweep(enqueueHandle: (surveyId: string) => Promise<void>): Promise<{ expired: number; reoffered: number; rehandled: number }> {
    const now = this.d.clock.now();
    const expired = await this.Survey.updateMany({ status: 'offered', expiresAt: { $lte: now } }, { $set: { status: 'expired' } });
    const graceAgo = new Date(now.getTime() - 60_000);
    const late = await this.Survey.find({ status: 'scheduled', scheduledFor: { $lte: graceAgo } }, { _id: 1 }).limit(500).lean();
    for (const s of late) await this.d.queues.schedule('surveys', 'offer', { surveyId: String(s._id) }, { jobId: `survey-resweep-${s._id}-${Math.floor(now.getTime() / 3_600_000)}` });
    const unhandled = await this.Survey.find({ status: 'answered', handledAt: null, answeredAt: { $lte: graceAgo } }, { _id: 1 }).limit(500).lean();
    for (const s of unhandled) await enqueueHandle(String(s._id));
    return { expired: expired.modifiedCount, reoffered: late.length, rehandled: unhandled.length };
  }
}

export function serializeSurvey(s: SurveyDoc) {
  const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
  return {
    id: String(s._id),
    ticketId: String(s.ticketId),
    ticketNumber: s.ticketNumber,
    team: s.team,
    agentId: s.agentId ? String(s.agentId) : null,
    channel: s.channel,
    locale: s.locale,
    status: s.status,
    reason: s.reason ?? null,
    offeredVia: s.offeredVia ?? null,
    round: s.round,
    score: s.score ?? null,
    comment: s.comment ?? null,
    scheduledFor: iso(s.scheduledFor),
    offeredAt: iso(s.offeredAt),
    answeredAt: iso(s.answeredAt),
    expiresAt: iso(s.expiresAt),
    createdAt: iso(s.createdAt),
  };
}
