import { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { Realtime } from '../../realtime/realtime';
import type { AgentService } from '../agents/agent.service';
import type { CustomerService } from '../customers/customer.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import { NotFoundError, ValidationError } from '../../errors';
import type { SurveyDoc } from './survey.model';
import type { CallbackTasks, SurveyService } from './survey.service';
import { surveyJobId } from './survey.service';

/** A comment that asks to be contacted is handled like a low score: someone calls back. */
export const CONTACT_REQUEST = /call me|contact me|call back|ring me|回电|回个电话|联系我|给我打电话|打电话给我/i;
export const LOW_SCORE = 2;
export const COMMENT_MAX = 2000;

export type TokenState =
  | { kind: 'invalid' }
  | { kind: 'expired'; survey: SurveyDoc | null }
  | { kind: 'closed'; survey: SurveyDoc }
  | { kind: 'answered'; survey: SurveyDoc }
  | { kind: 'open'; survey: SurveyDoc };

/**
 * The customer's answer: recorded once (an atomic conditional update), then its consequences run
 * in a worker: the timeline event, a low-rating callback for the team's supervisor, an escalation.
 */
export interface SurveyAnswersDeps {
  surveys: SurveyService;
  callbacks: CallbackTasks;
  tickets: Pick<TicketService, 'byId' | 'byNumber'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  agents: Pick<AgentService, 'byRole'>;
  customers: Pick<CustomerService, 'get'>;
  queues: Queues;
  realtime: Realtime;
  clock: Clock;
  log: Logger;
}

export class SurveyAnswers {
  constructor(private readonly d: SurveyAnswersDeps) {}

  private get Survey() {
    return this.d.surveys.Survey;
  }

  private get surveys() {
    return this.d.surveys;
  }

  /** What a survey link points at. Reading it changes nothing (mail scanners open links). */
  async inspect(token: string): Promise<TokenState> {
    const check = this.surveys.tokens.verify(token, this.d.clock.now());
    if (!check.ok && check.reason === 'invalid') return { kind: 'invalid' };
    const survey = await this.Survey.findById(check.surveyId);
    if (!survey) return { kind: 'invalid' };
    if (!check.ok) return { kind: 'expired', survey };
    if (survey.status === 'answered') return { kind: 'answered', survey };
    if (survey.status === 'expired') return { kind: 'expired', survey };
    if (survey.status === 'cancelled') return { kind: 'closed', survey };
    return { kind: 'open', survey };
  }

  /** Records the answer once; `recorded: false` when it was answered (or closed) before. */
  async answer(surveyId: string | Types.ObjectId, score: number, comment: string | null, via: 'email' | 'chat' | null = null): Promise<{ recorded: boolean; survey: SurveyDoc | null }> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new ValidationError('score must be a whole number from 1 to 5');
    const text = comment?.trim().slice(0, COMMENT_MAX) || null;
    const now = this.d.clock.now();
    const set: Record<string, unknown> = { status: 'answered', score, comment: text, answeredAt: now };
    if (via) set.offeredVia = via;
    const survey = await this.Survey.findOneAndUpdate({ _id: surveyId, status: { $in: ['offered', 'scheduled'] } }, { $set: set }, { new: true });
    if (!survey) return { recorded: false, survey: await this.Survey.findById(surveyId) };
    // answered before the offer job ran (a chat rating): the job must not offer it afterwards
    await this.d.queues.remove('surveys', surveyJobId(String(survey.ticketId), survey.round)).catch(() => undefined);
    await this.enqueueHandle(String(survey._id)).catch((err) => this.d.log.warn({ survey: String(survey._id), err: (err as Error).message }, 'answer handling not queued; the sweeper will retry'));
    return { recorded: true, survey };
  }

  async enqueueHandle(surveyId: string): Promise<void> {
    await this.d.queues.schedule('surveys', 'answered', { surveyId }, { jobId: `survey-answered-${surveyId}` });
  }

  /**
   * A rating given in the chat widget (`chat:rate`): it answers the survey of the ticket's current
   * solve, creating it if the ticket is not solved yet, so the solve does not ask again.
   */
  async recordChatRating(ticketNumber: number, score: number, comment?: string | null): Promise<{ recorded: boolean; surveyId: string | null }> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new ValidationError('score must be a whole number from 1 to 5');
    const ticket = await this.d.tickets.byNumber(ticketNumber);
    const round = ticket.reopenCount + 1;
    const key = surveyJobId(String(ticket._id), round);
    let survey = await this.Survey.findOne({ dedupeKey: key });
    if (!survey) {
      const customer = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
      const now = this.d.clock.now();
      try {
        survey = await this.Survey.create({
          ticketId: ticket._id,
          ticketNumber: ticket.number,
          team: ticket.team,
          agentId: ticket.assigneeId ?? ticket.solvedBy ?? null,
          channel: ticket.channel,
          locale: customer?.locale ?? 'en',
          customerId: ticket.customerId,
          status: 'offered',
          offeredVia: 'chat',
          scheduledFor: now,
          offeredAt: now,
          expiresAt: new Date(now.getTime() + this.surveys.tokenTtlMs),
          round,
          dedupeKey: key,
        });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        survey = await this.Survey.findOne({ dedupeKey: key });
        if (!survey) throw err;
      }
    }
    // the widget reached a customer the offer job could not: the rating still counts
    await this.Survey.updateOne({ _id: survey._id, status: 'cancelled', reason: 'no_contact' }, { $set: { status: 'offered', reason: null } });
    const res = await this.answer(survey._id, score, comment ?? null, 'chat');
    return { recorded: res.recorded, surveyId: String(survey._id) };
  }

  /** The worker side of an answer; idempotent through `handledAt` and the callback's dedupeKey. */
  async handleAnswered(surveyId: string): Promise<{ lowRating: boolean } | null> {
    const s = Types.ObjectId.isValid(surveyId) ? await this.Survey.findById(surveyId) : null;
    if (!s || s.status !== 'answered' || s.handledAt) return null;
    const ticket = await this.d.tickets.byId(s.ticketId as Types.ObjectId);
    if (!ticket) throw new NotFoundError('Ticket of the survey');
    const score = s.score ?? 0;
    const lowRating = score <= LOW_SCORE || CONTACT_REQUEST.test(s.comment ?? '');
    if (lowRating) {
      const supervisors = await this.d.agents.byRole(['supervisor'], s.team);
      const lead = supervisors[0] ?? (await this.d.agents.byRole(['manager'], s.team))[0] ?? null;
      const customer = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
      await this.d.callbacks.create({
        kind: 'low_rating',
        ticketId: String(ticket._id),
        phone: customer?.phones[0] ?? null,
        team: s.team,
        assigneeId: lead ? String(lead._id) : null,
        note: `Survey ${score}/5${s.comment ? `: ${s.comment}` : ''}`,
        survey: { score, comment: s.comment ?? null },
        dedupeKey: `low-rating-${s._id}`,
      });
      this.d.realtime.toTeam(s.team, 'escalation', { ticketNumber: s.ticketNumber, target: 'satisfaction', kind: 'breach', level: 1, dueAt: null });
    }
    // keyed: a retry after a crash past this line writes no second line on the timeline
    const data = { surveyId: String(s._id), score, comment: s.comment ?? null, round: s.round, agentId: s.agentId ? String(s.agentId) : null, lowRating };
    await this.d.timeline.addEvent(ticket, { type: 'survey_answered', data }, `Satisfaction survey answered: ${score}/5${s.comment ? ` — ${s.comment}` : ''}`, { key: `survey-answered:${s._id}` });
    await this.Survey.updateOne({ _id: s._id }, { $set: { handledAt: this.d.clock.now() } });
    this.d.log.info({ ticket: s.ticketNumber, survey: String(s._id), score, lowRating }, 'survey answered');
    return { lowRating };
  }
}
