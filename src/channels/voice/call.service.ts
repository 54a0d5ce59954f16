import { Types } from 'mongoose';
import type { Core } from '../../container';
import { NotFoundError } from '../../errors';
import type { CallbackService } from '../../modules/callbacks/callback.service';
import { normalizePhone } from '../../modules/customers/customer.service';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { Locale } from '../../core/types';
import { callModel, CallDoc, CallModel } from './call.model';
import { hotlineLocale, PromptBook, VoiceSettings } from './voice.settings';

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

/**
 * The hotline pipeline: every call lands on a ticket of channel `voice` (the caller's open one, else
 * a new one), every step is a line on its timeline, and a call nobody took becomes a callback task.
 * Each transition is one conditional update of the Call, so a webhook Twilio repeats does nothing twice.
 */
export class CallService {
  readonly Call: CallModel;

  constructor(
    private readonly core: Core,
    private readonly callbacks: CallbackService,
    private readonly settings: VoiceSettings,
    private readonly prompts: PromptBook,
  ) {
    this.Call = callModel(core.conn, core.clock);
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
    return this.callbacks.Callback.findOne({ dedupeKey: `call:${callId}` });
  }

  /** The IVR picked a team. A ticket this call opened moves there; a caller's existing case stays where it is. */
  async routed(ref: CallRef, team: string): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    if (call.team === team) return call;
    await this.Call.updateOne({ _id: call._id }, { $set: { team } });
    if (ticket.dedupeKey === `call:${call.callId}` && ticket.team !== team && (await this.core.teams.exists(team))) {
      await this.core.tickets.update(ticket.number, { team }, null);
    }
    return (await this.Call.findById(call._id)) ?? call;
  }

  async answered(ref: CallRef, agentId?: string | null): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    const now = this.core.clock.now();
    const agent = agentId && Types.ObjectId.isValid(agentId) ? await this.core.models.Agent.findById(agentId, { name: 1, teams: 1 }).lean() : null;
    const won = await this.Call.findOneAndUpdate(
      { _id: call._id, answeredAt: null },
      { $set: { status: 'answered', answeredAt: now, agentId: agent?._id ?? null, waitSec: secondsBetween(call.startedAt, now) } },
      { new: true },
    );
    if (!won) {
      if (agent && !call.agentId) await this.Call.updateOne({ _id: call._id, agentId: null }, { $set: { agentId: agent._id } });
      return (await this.Call.findById(call._id)) ?? call;
    }
    await this.core.tickets.addEvent(ticket, 'call_answered', `Call answered${agent ? ` by ${agent.name}` : ''} after ${won.waitSec ?? 0} s`, {
      callId: call.callId,
      agentId: agent ? String(agent._id) : null,
      waitSec: won.waitSec,
    });
    // The customer got through: earlier missed-call tasks on this case are moot.
    await this.callbacks.cancelForTicket(String(ticket._id), ['missed_call', 'voicemail']);
    if (agent && !ticket.assigneeId && (agent.teams ?? []).includes(ticket.team)) {
      await this.core.tickets.update(ticket.number, { assignee: String(agent._id) }, null).catch((err) => this.core.log.warn({ err: (err as Error).message }, 'call: could not assign'));
    }
    return won;
  }

  /** Nobody took the call (no answer, busy, no agent, or the caller hung up first): a callback task. */
  async missed(ref: CallRef, reason: MissReason): Promise<CallDoc> {
    const { call, ticket } = await this.ringing(ref);
    const now = this.core.clock.now();
    const status = reason === 'abandoned' ? 'abandoned' : 'missed';
    const won = await this.Call.findOneAndUpdate(
      { _id: call._id, status: 'ringing', answeredAt: null },
      { $set: { status, waitSec: secondsBetween(call.startedAt, now) } },
      { new: true },
    );
    if (won) {
      await this.core.tickets.addEvent(ticket, status === 'abandoned' ? 'call_abandoned' : 'call_missed', `${status === 'abandoned' ? 'Caller hung up before anyone answered' : 'Missed call'} (${reason}) from ${call.from ?? 'an unknown number'}`, {
        callId: call.callId,
        reason,
        waitSec: won.waitSec,
      });
    }
    const fresh = won ?? (await this.Call.findById(call._id)) ?? call;
    if (fresh.status === 'missed' || fresh.status === 'abandoned') await this.callbackFor(fresh, ticket, 'missed_call');
    return fresh;
  }

  async ended(ref: CallRef, durationSec?: number | null): Promise<CallDoc> {
    const { call } = await this.ringing(ref);
    const now = this.core.clock.now();
    if (call.status === 'ringing') await this.missed(ref, 'abandoned');
    const done = await this.Call.findOneAndUpdate(
      { _id: call._id, endedAt: null },
      { $set: { endedAt: now, durationSec: durationSec ?? secondsBetween(call.answeredAt ?? call.startedAt, now) } },
      { new: true },
    );
    if (done?.status === 'answered') {
      const ticket = await this.core.tickets.byId(done.ticketId as Types.ObjectId);
      if (ticket) await this.core.tickets.addEvent(ticket, 'call_ended', `Call ended after ${done.durationSec ?? 0} s`, { callId: done.callId, durationSec: done.durationSec });
    }
    return done ?? (await this.Call.findById(call._id)) ?? call;
  }

  /** A voicemail: its URL goes on the call and the ticket, and the missed-call task becomes a voicemail task. */
  async voicemail(ref: CallRef, recordingUrl: string, durationSec?: number | null): Promise<CallDoc> {
    const existing = await this.find(ref.callId);
    if (!existing && !ref.from) throw new NotFoundError(`Call ${ref.callId}`);
    const { call, ticket } = await this.ringing(ref);
    const now = this.core.clock.now();
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
      await this.core.tickets.addEvent(ticket, 'voicemail', `Voicemail${durationSec ? ` (${durationSec} s)` : ''}: ${recordingUrl}`, { callId: call.callId, recordingUrl, durationSec: durationSec ?? null });
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
    if (kind === 'voicemail' && cb.kind === 'missed_call') {
      await this.callbacks.Callback.updateOne({ _id: cb._id, kind: 'missed_call' }, { $set: { kind: 'voicemail', note: call.recordingUrl } });
    }
  }

  private async upsert(ref: CallRef): Promise<CallDoc> {
    const existing = await this.Call.findOne({ callId: ref.callId });
    if (existing) return existing;
    const locale: Locale = hotlineLocale(this.settings, ref.to);
    const fields = {
      callId: ref.callId,
      source: ref.source,
      from: ref.from ?? null,
      to: ref.to ?? null,
      team: ref.team ?? this.settings.defaultTeam,
      locale,
      startedAt: this.core.clock.now(),
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

  /** The caller's open voice ticket, else a new one (idempotent per call); only the first to link it writes the timeline line. */
  private async ensureTicket(call: CallDoc): Promise<TicketDoc> {
    if (call.ticketId) {
      const t = await this.core.tickets.byId(call.ticketId as Types.ObjectId);
      if (t) return t;
    }
    const locale = (call.locale as Locale) ?? 'en';
    const phone = callerPhone(call.from);
    const name = phone ?? this.prompts.text(locale, 'anonymousCaller');
    let ticket: TicketDoc | null = null;
    const customer = phone ? await this.core.customers.findOrCreate({ phone, name, locale }) : null;
    if (customer) ticket = await this.core.tickets.openTicketOf(customer._id, ['voice']);
    if (!ticket) {
      const team = (await this.core.teams.exists(call.team)) ? call.team : this.settings.defaultTeam;
      ({ ticket } = await this.core.tickets.create(
        {
          channel: 'voice',
          subject: this.prompts.text(locale, 'ticketSubject', { from: phone ?? name }),
          customer: { name, phone, locale },
          customerId: customer?._id,
          team,
          dedupeKey: `call:${call.callId}`,
          meta: { callId: call.callId },
        },
        { type: 'customer', name },
      ));
    }
    const linked = await this.Call.findOneAndUpdate({ _id: call._id, ticketId: null }, { $set: { ticketId: ticket._id } }, { new: true });
    if (!linked) {
      const other = await this.Call.findById(call._id);
      const t = other?.ticketId ? await this.core.tickets.byId(other.ticketId as Types.ObjectId) : null;
      return t ?? ticket;
    }
    call.ticketId = ticket._id;
    await this.core.tickets.addEvent(ticket, 'call_received', `Incoming call from ${phone ?? name}${call.to ? ` to ${call.to}` : ''}`, { callId: call.callId, from: call.from, to: call.to });
    return (await this.core.tickets.byId(ticket._id)) ?? ticket;
  }
}

function secondsBetween(a: Date, b: Date): number {
  return Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
}
