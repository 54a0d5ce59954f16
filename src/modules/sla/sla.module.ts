import type { Job } from 'bullmq';
import type { Core } from '../../core/core';
import type { CalendarSpec } from '../calendars/business-time';
import type { CalendarService } from '../calendars/calendar.service';
import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { LiveTicketObserver } from '../tickets/ticket.live';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import { TimerLoop } from '../../infra/timer-loop';
import { TimerSet } from '../../infra/timer-set';
import { EscalationService } from './sla-escalations';
import { SlaNotifier } from './sla-notifier';
import { slaPolicyModel } from './sla-policy.model';
import { SlaPolicyService } from './sla-policy.service';
import { fireTimer } from './sla-timers';
import { SlaObserver } from './sla.observer';
import { slaRoutes } from './sla.routes';
import type { EscalationFollowUp } from './sla-follow-up';
import { SlaService } from './sla.service';

const SWEEP_EVERY_MS = 30_000;
/** how long a claimed ticket is held before another workers process may take it (its claimer died mid-evaluation) */
const TIMER_LEASE_MS = 30_000;
/**
 * An escalation's follow-up (mails, timeline line) waits while this process's timer loop still has
 * due timers to evaluate, until at most this long after it was queued: in a burst every breach
 * reaches its sockets before the follow-ups take the event loop and the store (issue #23), and
 * under a steady stream of breaches the follow-ups still run at the stream's rate, this much later.
 */
const FOLLOW_UP_DEFER_MS = 5_000;

/** SLA policies, the applied SLA of each ticket, its timers, sweeper and escalations. */
export interface SlaModuleDeps {
  calendars: CalendarService;
  tickets: Pick<TicketService, 'byId' | 'visible'>;
  live: Pick<LiveTicketObserver, 'refresh'>;
  /** the settings audit trail (policy changes) */
  audit: Pick<ConfigAuditLog, 'record'>;
  /** escalations and acknowledgements are timeline lines */
  timeline?: Pick<TicketMessages, 'addEvent'>;
}

export function slaModule(core: Core, d: SlaModuleDeps): AppModule & { sla: SlaService } {
  const { Ticket, Agent } = core.models;
  const { calendars } = d;
  const log = core.log.child({ component: 'sla' });
  const policies = new SlaPolicyService(slaPolicyModel(core.conn, core.clock), calendars, core.redis, core.config.queuePrefix, d.audit);
  const due = new TimerSet(core.redis, core.config.queuePrefix, 'sla');
  const notifier = new SlaNotifier({ Agent, Team: core.models.Team, realtime: core.realtime, outbox: core.outbox, publicUrl: core.config.publicUrl, log });
  // an escalation's mails and timeline line: a job of the notify queue, after the socket event
  const followUps = { add: (data: EscalationFollowUp, jobId: string) => core.queues.get('notify').add('sla-escalation', data, { jobId, removeOnComplete: true }) };
  const sla = new SlaService(
    { Ticket, tickets: d.tickets, live: d.live, realtime: core.realtime, clock: core.clock, log, warningRatio: core.config.slaWarningRatio, escalationStepMs: core.config.slaEscalationStepMs, timeline: d.timeline, due, timerLeaseMs: TIMER_LEASE_MS, followUps },
    policies,
    calendars,
    notifier,
  );
  const escalations = new EscalationService({ Ticket, tickets: d.tickets, sla, realtime: core.realtime, clock: core.clock, timeline: d.timeline });
  const observer = new SlaObserver(sla, calendars);

  // Edits move live deadlines in the workers (a policy may cover thousands of open tickets).
  const recompute = (data: object, key: string) => core.queues.get('sla').add('recompute', data, { jobId: `sla-recompute-${key}-${Date.now()}`, removeOnComplete: true });
  policies.onChanged(async (id) => void (await recompute({ policyId: id }, id)));
  calendars.onChanged(async (name, before) => void (await recompute({ calendar: name, before }, name)));

  // the SLA timers: the workers' loop over the timer set (src/infra/timer-loop.ts); it claims by
  // this process's clock and the check decides by the same clock, so a claim is never early
  const loop = new TimerLoop({ set: due, clock: core.clock, fire: (id) => sla.check(id), subscriber: () => core.makeRedis('subscriber'), log, concurrency: core.config.slaTimerConcurrency, leaseMs: TIMER_LEASE_MS });
  // a delayed job of a version that kept each timer as one (warn/breach/escalate) runs the same check
  const fireJob = (job: Job<{ ticketId: string }>) => fireTimer(() => sla.check(job.data.ticketId), core.clock);

  return {
    name: 'sla',
    sla,
    routes: (api) => [slaRoutes(api, policies, escalations, core.clock)],
    ticketObservers: () => [observer],
    processors: () => ({
      sla: {
        warn: fireJob,
        breach: fireJob,
        escalate: fireJob,
        sweep: () => sla.sweep(),
        recompute: (job: Job<{ policyId?: string; calendar?: string; before?: CalendarSpec }>) =>
          sla.recompute({ policyId: job.data.policyId, calendar: job.data.calendar }, job.data.before),
      },
      notify: {
        // after a burst of breaches is evaluated here (its sockets told first), never more than FOLLOW_UP_DEFER_MS after it was queued
        'sla-escalation': async (job: Job<EscalationFollowUp>) => {
          await loop.idle(job.timestamp + FOLLOW_UP_DEFER_MS - Date.now());
          await sla.followUp(job.data);
        },
      },
    }),
    startWorkers: async () => {
      const q = core.queues.get('sla');
      await q.upsertJobScheduler('sla-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      await q.add('sweep', {}, { jobId: `sla-sweep-start-${Date.now()}`, removeOnComplete: true });
      await loop.start();
    },
    stopWorkers: () => loop.stop(),
  };
}
