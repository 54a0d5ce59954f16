import type { Types } from 'mongoose';
import type { Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import { rooms, type Realtime } from '../../realtime/realtime';
import type { CustomerDoc } from '../customers/customer.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TimelineEventType } from '../tickets/timeline.events';
import { formatReturnNumber, type ReturnDoc, type ReturnEvent, type ReturnModels } from './return.model';
import type { ReturnPayload, ReturnTimelineData } from './return.payloads';

/** Timeline event types, one per step: `return_requested`, `return_approved`, … (rendered in the reader's language by the console). */
export const TIMELINE_TYPE: Record<ReturnEvent['type'], Extract<TimelineEventType, `return_${string}`>> = {
  request: 'return_requested',
  approve: 'return_approved',
  reject: 'return_rejected',
  receive: 'return_received',
  inspect: 'return_inspected',
  refund: 'return_refunded',
  replace: 'return_replaced',
  repair: 'return_repaired',
  close: 'return_closed',
};

/** The customer is mailed at approval and at the outcome (a rejection is one), in their language. */
const MAIL_TEMPLATE: Partial<Record<ReturnEvent['type'], string>> = {
  approve: 'return-approved',
  reject: 'return-rejected',
  refund: 'return-outcome',
  replace: 'return-outcome',
  repair: 'return-outcome',
};

const SWEEP_GRACE_MS = 30 * 1000;

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

export interface ReturnEffectsDeps {
  models: ReturnModels;
  tickets: Pick<TicketService, 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  customers: { get(id: string | Types.ObjectId): Promise<CustomerDoc> };
  outbox: MailOutbox;
  queues: Queues;
  realtime: Pick<Realtime, 'toRoom'>;
  clock: Clock;
  log: Logger;
}

/**
 * What follows a step, outside the step's own update: the socket event at once, and through a
 * job (deterministic id per step) the ticket's timeline line and the customer's mail. Each is
 * idempotent (the timeline line by its dedupe key, the mail by its outbox job id); the step's
 * `effectsDone` marks them done, and a sweeper re-queues steps whose job went missing.
 */
export class ReturnEffects {
  constructor(private readonly d: ReturnEffectsDeps) {}

  /** After a step was stored: tell the teams, and queue the timeline line and the mail. */
  async stepped(r: ReturnDoc, event: ReturnEvent): Promise<void> {
    this.announce(r);
    await this.queue(r._id, event.id);
  }

  /** `return:updated` {id, number, status, kind, ticketNumber, team, unitId, customerId} on /agents to the working team, the ticket's team and those who see every team. */
  announce(r: ReturnDoc): void {
    const payload: ReturnPayload = {
      id: String(r._id),
      number: formatReturnNumber(r.number),
      status: r.status,
      kind: r.kind,
      ticketNumber: r.ticketNumber,
      team: r.team,
      unitId: String(r.unitId),
      customerId: String(r.customerId),
    };
    this.d.realtime.toRoom([...new Set([rooms.team(r.team), rooms.team(r.ticketTeam)]), rooms.allTeams], 'return:updated', payload);
  }

  async queue(returnId: Types.ObjectId, eventId: string): Promise<void> {
    await this.d.queues.get('returns').add('effects', { returnId: String(returnId), eventId }, { jobId: `return-effects-${eventId}` });
  }

  /** The job: re-reads the return and does what the step still owes. */
  async apply(returnId: string, eventId: string): Promise<void> {
    const r = await this.d.models.Return.findById(returnId);
    const event = r?.events.find((e) => e.id === eventId);
    if (!r || !event || event.effectsDone) return;
    const ticket = await this.d.tickets.byId(r.ticketId);
    if (ticket) {
      await this.d.timeline.addEvent(ticket, { type: TIMELINE_TYPE[event.type], data: timelineData(r, event) }, timelineText(r, event), { key: `return-event:${eventId}` });
    }
    const template = MAIL_TEMPLATE[event.type];
    if (template) await this.mail(r, event, template);
    await this.d.models.Return.updateOne({ _id: r._id, 'events.id': eventId }, { $set: { 'events.$.effectsDone': true } });
  }

  /** Re-queues the effects of steps stored a while ago and still not done (a crash between the step and its job). */
  async sweep(): Promise<{ requeued: number }> {
    const before = new Date(this.d.clock.now().getTime() - SWEEP_GRACE_MS);
    const stale = await this.d.models.Return.find({ events: { $elemMatch: { effectsDone: false, at: { $lt: before } } } }, { events: 1 }).limit(500);
    let requeued = 0;
    for (const r of stale) {
      for (const e of r.events) {
        if (e.effectsDone || e.at >= before) continue;
        await this.queue(r._id, e.id);
        requeued++;
      }
    }
    return { requeued };
  }

  private async mail(r: ReturnDoc, event: ReturnEvent, template: string): Promise<void> {
    const customer = await this.d.customers.get(r.customerId);
    const to = customer.emails[0];
    if (!to) {
      this.d.log.info({ return: formatReturnNumber(r.number), step: event.type }, 'customer has no email address; return not mailed');
      return;
    }
    const locale = (customer.locale === 'zh-CN' ? 'zh-CN' : 'en') as Locale;
    await this.d.outbox.send(
      {
        to,
        template,
        locale,
        data: {
          customerName: customer.name,
          ticketNumber: r.ticketNumber,
          returnNumber: formatReturnNumber(r.number),
          kind: r.kind,
          step: event.type,
          model: r.model,
          serial: r.serial,
          note: event.note,
          amount: r.outcome?.amount != null ? yuan(r.outcome.amount) : null,
          newSerial: r.outcome?.newSerial ?? null,
        },
      },
      `return-mail-${event.id}`,
    );
  }
}

/** The English line kept with the event for readers that do not render event types. */
function timelineText(r: ReturnDoc, e: ReturnEvent): string {
  const n = formatReturnNumber(r.number);
  const who = e.by.name;
  const extra = e.type === 'refund' && r.outcome?.amount != null ? ` ${yuan(r.outcome.amount)}` : e.type === 'replace' && r.outcome?.newSerial ? ` → ${r.outcome.newSerial}` : '';
  const what: Record<ReturnEvent['type'], string> = {
    request: `${who} asked for a ${r.kind} of ${r.model} ${r.serial} (${n})`,
    approve: `${who} approved ${n}`,
    reject: `${who} rejected ${n}`,
    receive: `${who} received the unit of ${n}`,
    inspect: `${who} inspected the unit of ${n}`,
    refund: `${who} refunded${extra} (${n})`,
    replace: `${who} exchanged the unit${extra} (${n})`,
    repair: `${who} repaired the unit (${n})`,
    close: `${who} closed ${n}`,
  };
  return `${what[e.type]}${e.note ? `: ${e.note}` : ''}`;
}

function timelineData(r: ReturnDoc, e: ReturnEvent): ReturnTimelineData {
  return {
    returnId: String(r._id),
    number: formatReturnNumber(r.number),
    kind: r.kind,
    model: r.model,
    serial: r.serial,
    by: e.by.name,
    note: e.note,
    ...e.data,
  };
}
