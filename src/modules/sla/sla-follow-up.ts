import { Types } from 'mongoose';
import type { Logger } from '../../logger';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { SlaTicket } from './sla-plain';
import type { Recipient, SlaNotifier } from './sla-notifier';
import type { Escalation } from './sla-state';

/** What an escalation's follow-up job carries: the escalations of one write and who was told (JSON). */
export interface EscalationFollowUp {
  ticketId: string;
  /** the live queue's view is refreshed by this job (the evaluation that queued it did not) */
  refresh?: boolean;
  escalations: { escalation: Omit<Escalation, '_id' | 'at' | 'dueAt' | 'acknowledgedAt'> & { _id: string; at: string; dueAt: string | null; acknowledgedAt?: string | null }; recipients: Recipient[] }[];
}

export interface SlaFollowUpDeps {
  tickets: Pick<TicketService, 'byId'>;
  notifier: SlaNotifier;
  log: Logger;
  /** warnings, breaches and escalations are lines on the ticket's timeline */
  timeline?: Pick<TicketMessages, 'addEvent'>;
  /**
   * Queues an escalation's follow-up (its mails and timeline line) as a job of its own, which
   * `run` runs; without it (or when the queueing fails) the follow-up runs in the caller.
   */
  followUps?: { add(data: EscalationFollowUp, jobId: string): Promise<unknown> };
  /** the live queue's view of a ticket, for a follow-up that refreshes it */
  refreshLive: (ticket: TicketDoc) => Promise<void>;
}

/** An escalation's follow-up: its mails and timeline line, after its socket event (issue #23). */
export class SlaFollowUps {
  constructor(private readonly d: SlaFollowUpDeps) {}

  /**
   * Queues the follow-up of one write's escalations (id by its first escalation: a retried job
   * queues it once); runs it here when it cannot be queued. True when queued.
   */
  async queue(ticket: SlaTicket, told: [Escalation, Recipient[]][], refresh: boolean): Promise<boolean> {
    if (this.d.followUps) {
      const data: EscalationFollowUp = {
        ticketId: String(ticket._id),
        ...(refresh ? { refresh: true } : {}),
        escalations: told.map(([e, recipients]) => ({
          escalation: { ...e, _id: String(e._id), at: e.at.toISOString(), dueAt: e.dueAt ? e.dueAt.toISOString() : null, acknowledgedAt: null },
          recipients,
        })),
      };
      try {
        await this.d.followUps.add(data, `sla-follow-up-${told[0][0]._id}`);
        return true;
      } catch (err) {
        this.d.log.warn({ ticket: ticket.number, err: (err as Error).message }, 'escalation follow-up not queued; done now');
      }
    }
    // a lean ticket (the timers' evaluation) is read whole: its timeline line touches it and runs its observers
    const doc = 'toObject' in ticket ? (ticket as TicketDoc) : await this.d.tickets.byId(ticket._id);
    if (doc) await this.now(doc, told);
    return false;
  }

  /**
   * The follow-up job: the escalations' mails and timeline lines, on the ticket as it is now, and
   * (`refresh`: a timer's evaluation left it to this job) the live queue's view of the ticket.
   * Idempotent (mails and lines keyed by the escalation; the view is the ticket's as it is now).
   */
  async run(data: EscalationFollowUp): Promise<void> {
    const ticket = await this.d.tickets.byId(data.ticketId);
    if (!ticket) return;
    const told = data.escalations.map(({ escalation: e, recipients }): [Escalation, Recipient[]] => [
      { ...e, _id: new Types.ObjectId(e._id), at: new Date(e.at), dueAt: e.dueAt ? new Date(e.dueAt) : null, acknowledgedAt: null } as Escalation,
      recipients,
    ]);
    await Promise.all([this.now(ticket, told), data.refresh ? this.d.refreshLive(ticket) : null]);
  }

  private async now(ticket: TicketDoc, told: [Escalation, Recipient[]][]): Promise<void> {
    await Promise.all([
      ...told.map(([e, recipients]) => this.d.notifier.mail(ticket, e, recipients)),
      // one ticket's lines one after the other (each touches the ticket and runs its observers)
      (async () => {
        for (const [e] of told) await this.timelineLine(ticket, e);
      })(),
    ]);
  }

  /** The escalation's line on the ticket's timeline, keyed by the escalation: a retried write does not write it twice. */
  private async timelineLine(ticket: TicketDoc, e: Escalation): Promise<void> {
    await this.d.timeline
      ?.addEvent(ticket, { type: 'sla_escalation', data: { escalationId: String(e._id), target: e.target, kind: e.kind, level: e.level, dueAt: e.dueAt ?? null, reason: e.reason ?? null } }, `SLA ${e.kind} (${e.target}), level ${e.level}`, { key: `sla-escalation:${e._id}` })
      .catch((err: Error) => this.d.log.warn({ ticket: ticket.number, err: err.message }, 'escalation not written on the timeline'));
  }
}
