import { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { AgentModel } from '../../modules/agents/agent.model';
import type { CallbackService } from '../../modules/callbacks/callback.service';
import { normalizePhone } from '../../modules/customers/customer.service';
import type { TeamService } from '../../modules/teams/team.service';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { TicketUpdates } from '../../modules/tickets/ticket.updates';
import type { CallDoc, CallModel } from './call.model';
import { hotlineLocale, PromptBook, VoiceSettings } from './voice.settings';

/** Where the hotline settings come from (the settings service; a constant in tests of the pipeline). */
export interface VoiceSettingsSource {
  get(): Promise<VoiceSettings>;
}

/** What any telephony source reports about a call; Twilio's webhooks and the PBX API both map to it. */
export interface CallRef {
  callId: string;
  source: 'twilio' | 'pbx';
  from?: string | null;
  to?: string | null;
  team?: string | null;
}

export type MissReason = 'no-answer' | 'busy' | 'failed' | 'no-agents' | 'abandoned' | 'missed';

/** Twilio reports "anonymous", "Restricted" or its placeholder number for a withheld caller id. */
function callerPhone(from: string | null | undefined): string | null {
  if (!from || /anonymous|restricted|unknown|private/i.test(from) || /^\+?266696687$/.test(from.replace(/[^\d+]/g, ''))) return null;
  const p = normalizePhone(from);
  return p.replace('+', '').length >= 3 ? p : null;
}

export interface CallServiceDeps {
  Call: CallModel;
  Agent: AgentModel;
  tickets: Pick<TicketService, 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  updates: Pick<TicketUpdates, 'update'>;
  inbound: Pick<TicketInbound, 'receive'>;
  teams: Pick<TeamService, 'exists'>;
  callbacks: Pick<CallbackService, 'create' | 'cancelForTicket' | 'byKey' | 'upgradeToVoicemail'>;
  clock: Clock;
  log: Logger;
}

/**
 * The hotline pipeline: every call lands on a ticket of channel `voice` (the caller's open one, else
 * a new one), every step is a line on its timeline, and a call nobody took becomes a callback task.
 * Each transition is one conditional update of the Call, so a webhook Twilio repeats does nothing twice.
 */
export class CallService {
  readonly Call: CallModel;
  private readonly callbacks: CallServiceDeps['callbacks'];

  constructor(
    private readonly d: CallServiceDeps,
    private readonly settings: VoiceSettingsSource,
    private readonly prompts: PromptBook,
  ) {
    this.Call = d.Call;
    this.callbacks = d.callbacks;
  }

  /** The call, created on first sight, with its ticket. */
  async ringing(ref: CallRef): Promise<{ call: CallDoc; ticket: TicketDoc }> {
    const call = await this.upsert(ref);
    const ticket = await this.ensureTicket(call);
    return { call: (await this.Call.findById(call._id)) ?? call, ticket };
  }

  async find(callId: string): Promise<CallDoc | null> {
    return this.Call.findOne({ callId });
  }

  /** The callback task a call left behind, if any. */
  async callbackOf(callId: string) {
    return this.callbacks.byKey(`call:${callId}`);
  }

  /** The IVR picked a team. A ticket this call opened moves there; a caller's existing case stays where it is. */
  async routed(ref: CallRef, team: string): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    if (call.team === team) return call;
    await this.Call.updateOne({ _id: call._id }, { $set: { team } });
    if (ticket.dedupeKey === `call:${call.callId}` && ticket.team !== team && (await this.d.teams.exists(team))) {
      await this.d.updates.update(ticket.number, { team }, null);
    }
    return (await this.Call.findById(call._id)) ?? call;
  }

  async answered(ref: CallRef, agentId?: string | null): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    const now = this.d.clock.now();
    const agent = agentId && Types.ObjectId.isValid(agentId) ? await this.d.Agent.findById(agentId, { name: 1, teams: 1 }).lean() : null;
    const won = await this.Call.findOneAndUpdate(
      { _id: call._id, answeredAt: null },
      { $set: { status: 'answered', answeredAt: now, agentId: agent?._id ?? null, waitSec: secondsBetween(call.startedAt, now) } },
      { new: true },
    );
    if (!won) {
      if (agent && !call.agentId) await this.Call.updateOne({ _id: call._id, agentId: null }, { $set: { agentId: agent._id } });
      return (await this.Call.findById(call._id)) ?? call;
    }
    const answered = { callId: call.callId, agentId: agent ? String(agent._id) : null, agentName: agent?.name ?? null, waitSec: won.waitSec ?? null };
    await this.d.timeline.addEvent(ticket, { type: 'call_answered', data: answered }, `Call answered${agent ? ` by ${agent.name}` : ''} after ${won.waitSec ?? 0} s`);
    // The customer got through: earlier missed-call tasks on this case are moot.
    await this.callbacks.cancelForTicket(String(ticket._id), ['missed_call', 'voicemail']);
    if (agent && !ticket.assigneeId && (agent.teams ?? []).includes(ticket.team)) {
      await this.d.updates.update(ticket.number, { assignee: String(agent._id) }, null).catch((err) => this.d.log.warn({ err: (err as Error).message }, 'call: could not assign'));
    }
    return won;
  }

  /** Nobody took the call (no answer, busy, no agent, or the caller hung up first): a callback task. */
  async missed(ref: CallRef, reason: MissReason): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    const now = this.d.clock.now();
    const status = reason === 'abandoned' ? 'abandoned' : 'missed';
    const won = await this.Call.findOneAndUpdate(
      { _id: call._id, status: 'ringing', answeredAt: null },
      { $set: { status, waitSec: secondsBetween(call.startedAt, now) } },
      { new: true },
    );
    if (won) {
      const missed = { callId: call.callId, reason, waitSec: won.waitSec ?? null, from: call.from ?? null };
      const body = `${status === 'abandoned' ? 'Caller hung up before anyone answered' : 'Missed call'} (${reason}) from ${call.from ?? 'an unknown number'}`;
      await this.d.timeline.addEvent(ticket, status === 'abandoned' ? { type: 'call_abandoned', data: missed } : { type: 'call_missed', data: missed }, body);
    }
    const fresh = won ?? (await this.Call.findById(call._id)) ?? call;
    if (fresh.status === 'missed' || fresh.status === 'abandoned') await this.callbackFor(fresh, ticket, 'missed_call');
    return fresh;
  }

  async ended(ref: CallRef, durationSec?: number | null): Promise<CallDoc> {
    const { call } = await this.ringing(ref);
    const now = this.d.clock.now();
    if (call.status === 'ringing') await this.missed(ref, 'abandoned');
    const done = await this.Call.findOneAndUpdate(
      { _id: call._id, endedAt: null },
      { $set: { endedAt: now, durationSec: durationSec ?? secondsBetween(call.answeredAt ?? call.startedAt, now) } },
      { new: true },
    );
    if (done?.status === 'answered') {
      const ticket = await this.d.tickets.byId(done.ticketId as Types.ObjectId);
      if (ticket) await this.d.timeline.addEvent(ticket, { type: 'call_ended', data: { callId: done.callId, durationSec: done.durationSec ?? null } }, `Call ended after ${done.durationSec ?? 0} s`);
    }
    return done ?? (await this.Call.findById(call._id)) ?? call;
  }

  /** A voicemail: its URL goes on the call and the ticket, and the missed-call task becomes a voicemail task. */
  async voicemail(ref: CallRef, recordingUrl: string, durationSec?: number | null): Promise<CallDoc> {
    const existing = await this.find(ref.callId);
    if (!existing && !ref.from) throw new NotFoundError(`Call ${ref.callId}`);
    const { call, ticket } = await this.ringing(ref);
    const now = this.d.clock.now();
    const won = await this.Call.findOneAndUpdate(
      { _id: call._id, recordingUrl: null },
      {
        $set: {
          recordingUrl,
          recordingDurationSec: durationSec ?? null,
          ...(call.answeredAt ? {} : { status: 'voicemail', waitSec: call.waitSec ?? secondsBetween(call.startedAt, now) }),
        },
      },
      { new: true },
    );
    if (won) {
      await this.d.timeline.addEvent(ticket, { type: 'voicemail', data: { callId: call.callId, recordingUrl, durationSec: durationSec ?? null } }, `Voicemail${durationSec ? ` (${durationSec} s)` : ''}: ${recordingUrl}`);
    }
    const fresh = won ?? (await this.Call.findById(call._id)) ?? call;
    if (!fresh.answeredAt) await this.callbackFor(fresh, ticket, 'voicemail');
    return fresh;
  }

  /** One task per call (`call:<callId>`); a voicemail after a missed ring upgrades the same task. */
  private async callbackFor(call: CallDoc, ticket: TicketDoc, kind: 'missed_call' | 'voicemail'): Promise<void> {
    const phone = callerPhone(call.from);
    if (!phone) return; // a withheld number cannot be called back; the timeline still shows the call
    const cb = await this.callbacks.create({ kind, ticketId: String(ticket._id), team: ticket.team, phone, dedupeKey: `call:${call.callId}` });
    if (kind === 'voicemail' && cb.kind === 'missed_call') await this.callbacks.upgradeToVoicemail(cb, call.recordingUrl ?? null);
  }

  private async upsert(ref: CallRef): Promise<CallDoc> {
    const existing = await this.Call.findOne({ callId: ref.callId });
    if (existing) return existing;
    const settings = await this.settings.get();
    const locale: Locale = hotlineLocale(settings, ref.to);
    const fields = {
      callId: ref.callId,
      source: ref.source,
      from: ref.from ?? null,
      to: ref.to ?? null,
      team: ref.team ?? settings.defaultTeam,
      locale,
      startedAt: this.d.clock.now(),
      status: 'ringing',
    };
    try {
      return await this.Call.create(fields);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      const raced = await this.Call.findOne({ callId: ref.callId });
      if (!raced) throw err;
      return raced;
    }
  }

  /**
   * The call's ticket through the inbound contract: the caller's open voice ticket, else a new one
   * (one per call, `call:<callId>`). Only the first to link the call writes the timeline line.
   */
  private async ensureTicket(call: CallDoc): Promise<TicketDoc> {
    if (call.ticketId) {
      const t = await this.d.tickets.byId(call.ticketId as Types.ObjectId);
      if (t) return t;
    }
    const locale = (call.locale as Locale) ?? 'en';
    const phone = callerPhone(call.from);
    const name = phone ?? this.prompts.text(locale, 'anonymousCaller');
    const team = (await this.d.teams.exists(call.team)) ? call.team : (await this.settings.get()).defaultTeam;
    const { ticket } = await this.d.inbound.receive({
      channel: 'voice',
      customer: { name, phone, locale },
      author: { type: 'customer', name },
      // a withheld number is nobody we know: a ticket of its own
      continueOpenOn: phone ? ['voice'] : undefined,
      open: { key: `call:${call.callId}`, subject: this.prompts.text(locale, 'ticketSubject', { from: phone ?? name }), team, meta: { callId: call.callId } },
    });
    const linked = await this.Call.findOneAndUpdate({ _id: call._id, ticketId: null }, { $set: { ticketId: ticket._id } }, { new: true });
    if (!linked) {
      const other = await this.Call.findById(call._id);
      const t = other?.ticketId ? await this.d.tickets.byId(other.ticketId as Types.ObjectId) : null;
      return t ?? ticket;
    }
    call.ticketId = ticket._id;
    const received = { callId: call.callId, from: call.from ?? null, to: call.to ?? null, caller: phone ?? name };
    await this.d.timeline.addEvent(ticket, { type: 'call_received', data: received }, `Incoming call from ${phone ?? name}${call.to ? ` to ${call.to}` : ''}`);
    return (await this.d.tickets.byId(ticket._id)) ?? ticket;
  }
}

function secondsBetween(a: Date, b: Date): number {
  return Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
}
