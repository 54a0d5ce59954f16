import type { Locale } from '../../core/types';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TimelineEventType } from '../tickets/timeline.events';
import type { WorkOrderDoc } from './workorders.model';
import type { WorkOrderPayload, WorkOrderTimelineData } from './workorders.payloads';
import type { CustomerSms } from './workorders.seams';
import type { WorkOrderChange } from './workorders.service';

export interface EffectsDeps {
  tickets: Pick<TicketService, 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  realtime: Pick<Realtime, 'toTeam' | 'toAgents'>;
  Agent: AgentModel;
  outbox: Pick<MailOutbox, 'send'>;
  /** texts to the customer's phone; null while SMS is not configured (workorders.seams.ts) */
  sms: CustomerSms | null;
  queues: Pick<Queues, 'get'>;
  config: { publicUrl: string };
  timeZoneOf: (team: string) => Promise<string>;
  log: Logger;
}

/** A window as the customer reads it: local time of the team's zone, in their language. */
export function windowText(w: { start: Date; end: Date } | null | undefined, locale: Locale, timeZone: string): string {
  if (!w?.start) return '';
  const lang = locale === 'zh-CN' ? 'zh-CN' : 'en-GB';
  const day = w.start.toLocaleDateString(lang, { timeZone, weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
  const time = (d: Date) => d.toLocaleTimeString(lang, { timeZone, hour: '2-digit', minute: '2-digit', hour12: false });
  return `${day} ${time(w.start)}–${time(w.end)} (${timeZone})`;
}

/** The timeline event type of a change: `workorder.<what happened>` (the console renders it in the reader's language). */
export type WorkOrderEventType = Extract<TimelineEventType, `workorder.${string}`>;

export function timelineType(wo: WorkOrderDoc, change: WorkOrderChange): WorkOrderEventType | null {
  if (change.kind === 'sla' || change.kind === 'quote') return null; // the quote's own lines are the quotes module's
  if (change.kind === 'created') return 'workorder.created';
  if (change.kind === 'report') return wo.report && (wo.report.version ?? 1) > 1 ? 'workorder.report_corrected' : 'workorder.report';
  if (change.kind === 'payment') return 'workorder.paid';
  if (change.kind === 'step') return `workorder.${change.step!}`;
  if (change.from !== change.to) return change.to === 'new' ? 'workorder.unplanned' : (`workorder.${change.to}` as WorkOrderEventType);
  if (change.engineer[0] !== change.engineer[1]) return 'workorder.reassigned';
  if (change.window[0] !== change.window[1]) return 'workorder.rescheduled';
  return 'workorder.updated';
}

/**
 * What each work order change does outside the work order: the `workorder:updated` socket event
 * (the work order's team, the ticket's team, the engineers before and after), a typed event on the
 * ticket's timeline, and the customer's mails — appointment confirmed (with the window) when the
 * engineer accepts or the accepted appointment moves, engineer on the way, report attached. Mails
 * carry deterministic job ids, so a repeated change mails once.
 */
export class WorkOrderEffects {
  constructor(private readonly d: EffectsDeps) {}

  async apply(wo: WorkOrderDoc, change: WorkOrderChange): Promise<void> {
    const engineer = wo.engineerId ? await this.d.Agent.findById(wo.engineerId, { name: 1, phone: 1 }).lean() : null;
    const engineerView = engineer ? { id: String(engineer._id), name: engineer.name } : null;
    const payload: WorkOrderPayload = { id: String(wo._id), number: wo.number, status: wo.status, engineer: engineerView, ticketNumber: wo.ticketNumber, team: wo.team, changes: change.kind };
    this.d.realtime.toTeam(wo.team, 'workorder:updated', payload);
    if (wo.ticketTeam !== wo.team) this.d.realtime.toTeam(wo.ticketTeam, 'workorder:updated', payload);
    this.d.realtime.toAgents([...new Set(change.engineer.filter((x): x is string => !!x))], 'workorder:updated', payload);

    const type = timelineType(wo, change);
    if (type) {
      const ticket = await this.d.tickets.byId(String(wo.ticketId));
      const data: WorkOrderTimelineData = {
        workOrderId: String(wo._id),
        number: wo.number,
        kind: wo.kind,
        status: wo.status,
        engineer: engineerView?.name ?? null,
        window: wo.window?.start ? { start: wo.window.start.toISOString(), end: wo.window.end!.toISOString() } : null,
        reason: change.reason ?? null,
        by: change.actor.name,
        ...(wo.report?.version ? { reportVersion: wo.report.version } : {}),
      };
      const body = `${wo.number}: ${type.replace('workorder.', '').replace(/_/g, ' ')}${data.engineer ? ` · ${data.engineer}` : ''} (${change.actor.name})`;
      // keyed by the write (its rev): a re-driven change writes its line once
      if (ticket) await this.d.timeline.addEvent(ticket, { type, data }, body, { key: `workorder:${wo._id}:${wo.rev}` });
    }
    await this.notifyCustomer(wo, change, engineerView?.name ?? '');
  }

  /** A text beside the mail, when SMS is configured and the customer has a phone; a refused text (opted out, rate limited) never holds up the rest. */
  private async text(wo: WorkOrderDoc, template: 'appointment-confirmed' | 'engineer-on-the-way', vars: Record<string, string | number>, locale: Locale, reference: string): Promise<void> {
    const phone = wo.contact?.phone;
    if (!this.d.sms || !phone) return;
    await this.d.sms.send({ phone }, template, vars, locale, { reference, ticketId: String(wo.ticketId) }).catch((err: Error) => this.d.log.warn({ workOrder: wo.number, template, err: err.message }, 'work order text not sent'));
  }

  private async notifyCustomer(wo: WorkOrderDoc, change: WorkOrderChange, engineerName: string): Promise<void> {
    const to = wo.contact?.email;
    const locale: Locale = wo.contact?.locale === 'zh-CN' ? 'zh-CN' : 'en';
    const window = wo.window?.start ? { start: wo.window.start, end: wo.window.end! } : null;
    const base = { number: wo.number, ticketNumber: wo.ticketNumber, customerName: wo.contact?.name ?? '', engineerName, address: wo.address, windowText: windowText(window, locale, await this.d.timeZoneOf(wo.team)) };
    const headers = { 'X-Aftercare-Ticket': String(wo.ticketNumber) };
    if (change.kind === 'report') {
      // the PDF is rendered by a worker, which then sends the mail through the outbox
      await this.d.queues.get('workorders').add('report-mail', { workOrderId: String(wo._id), version: wo.report?.version ?? 1 }, { jobId: `wo-report-mail-${wo._id}-v${wo.report?.version ?? 1}`, removeOnComplete: true });
      return;
    }
    const confirmed = (change.kind === 'step' && change.step === 'accept') || (change.kind === 'planned' && wo.status === 'accepted' && change.window[0] !== change.window[1]);
    if (confirmed && wo.window?.start) {
      const key = `${wo._id}-${wo.window.start.getTime()}-${wo.engineerId}`;
      if (to) await this.d.outbox.send({ to, template: 'workorder-confirmed', locale, data: base, headers, ticketId: String(wo.ticketId) }, `wo-mail-confirmed-${key}`);
      await this.text(wo, 'appointment-confirmed', base, locale, `wo-sms-confirmed-${key}`);
    }
    if (change.kind === 'step' && change.step === 'depart') {
      const last = wo.events[wo.events.length - 1];
      if (to) await this.d.outbox.send({ to, template: 'workorder-en-route', locale, data: base, headers, ticketId: String(wo.ticketId) }, `wo-mail-enroute-${wo._id}-${last?._id ?? ''}`);
      await this.text(wo, 'engineer-on-the-way', base, locale, `wo-sms-enroute-${wo._id}-${last?._id ?? ''}`);
    }
  }
}
