import type { TimerSet } from '../../infra/timer-set';
import type { CalendarSpec } from '../calendars/business-time';
import type { CalendarService } from '../calendars/calendar.service';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import { type Ctx, evaluate } from './sla-state';
import type { SlaWriter } from './sla-writer';

export interface SlaEvaluatorDeps {
  writer: SlaWriter;
  calendars: CalendarService;
  tickets: Pick<TicketService, 'byId'>;
  due: TimerSet;
  ctx: (calendar: CalendarSpec | null) => Ctx;
  /** SLA_ESCALATION_STEP */
  escalationStepMs: number;
  refreshLive: (ticket: TicketDoc) => Promise<void>;
}

/**
 * The evaluator behind every timer (issue #23: a burst of breaches reaches the supervisors within
 * 200 ms). It reads only the SLA and what an escalation's event and recipients need (a lean read
 * with a projection, shared by the evaluations of one claim), decides by the clock, and writes with
 * one conditional update on the SLA's revision, reading nothing back: the event goes out from what
 * was read and written.
 */
export class SlaEvaluator {
  constructor(private readonly d: SlaEvaluatorDeps) {}

  /**
   * Acts only on what is due by the clock. The ticket's timer is re-planned either way (a claim's
   * lease ends here): by the write, or, when nothing was due, at the revision it read (a newer
   * write's time stands).
   */
  async check(ticketId: string): Promise<{ events: number; nextAt: number | null }> {
    const { writer } = this.d;
    const ticket = await writer.readLean(ticketId);
    if (!(ticket?.sla as { policyId?: string } | null | undefined)?.policyId) {
      await this.d.due.drop(ticketId);
      return { events: 0, nextAt: null };
    }
    let events = 0;
    // a write that escalates leaves the live queue's view to its follow-up job, so that in a burst
    // the next due evaluations get the event loop and the store first (issue #23)
    const { doc, wrote, followUp } = await writer.writeLean(
      ticket!,
      async (prev, t) => {
        if (!prev) return undefined;
        const calendar = await this.d.calendars.spec(prev.calendar);
        const res = evaluate(prev, t.status, this.d.escalationStepMs, this.d.ctx(calendar));
        events = res.events.length;
        return writer.record(t, res.sla, res.events);
      },
      true,
    );
    const sla = doc.sla as { rev?: number; nextCheckAt?: Date | null } | null | undefined;
    if (!wrote) await writer.plan(doc, sla?.rev ?? 0, sla);
    if (doc !== ticket && !followUp) {
      // the view is of the whole ticket: read it (rare: a write without a queued follow-up)
      const whole = await this.d.tickets.byId(ticketId);
      if (whole) await this.d.refreshLive(whole);
    }
    return { events, nextAt: sla?.nextCheckAt ? sla.nextCheckAt.getTime() : null };
  }
}
