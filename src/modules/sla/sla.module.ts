import type { Job } from 'bullmq';
import type { Core } from '../../container';
import type { CalendarSpec } from '../calendars/business-time';
import type { CalendarService } from '../calendars/calendar.service';
import type { AppModule } from '../app-module';
import { EscalationService } from './sla-escalations';
import { SlaNotifier } from './sla-notifier';
import { slaPolicyModel } from './sla-policy.model';
import { SlaPolicyService } from './sla-policy.service';
import { fireTimer, SlaTimers } from './sla-timers';
import { SlaObserver } from './sla.observer';
import { slaRoutes } from './sla.routes';
import { SlaService } from './sla.service';

const SWEEP_EVERY_MS = 30_000;

/** SLA policies, the applied SLA of each ticket, its timers, sweeper and escalations. */
export function slaModule(core: Core, calendars: CalendarService): AppModule & { sla: SlaService } {
  const policies = new SlaPolicyService(slaPolicyModel(core.conn, core.clock), calendars, core.redis, core.config.queuePrefix);
  const timers = new SlaTimers(core.queues, core.clock);
  const sla = new SlaService(core, policies, calendars, timers, new SlaNotifier(core));
  const escalations = new EscalationService(core, sla);
  core.tickets.observe(new SlaObserver(sla, calendars));

  // Edits move live deadlines in the workers (a policy may cover thousands of open tickets).
  const recompute = (data: object, key: string) => core.queues.get('sla').add('recompute', data, { jobId: `sla-recompute-${key}-${Date.now()}`, removeOnComplete: true });
  policies.onChanged(async (id) => void (await recompute({ policyId: id }, id)));
  calendars.onChanged(async (name, before) => void (await recompute({ calendar: name, before }, name)));

  const fire = (job: Job<{ ticketId: string }>) => fireTimer(() => sla.check(job.data.ticketId), core.clock);

  return {
    name: 'sla',
    sla,
    routes: (api) => [slaRoutes(api, policies, escalations)],
    processors: () => ({
      sla: {
        warn: fire,
        breach: fire,
        escalate: fire,
        sweep: () => sla.sweep(),
        recompute: (job: Job<{ policyId?: string; calendar?: string; before?: CalendarSpec }>) =>
          sla.recompute({ policyId: job.data.policyId, calendar: job.data.calendar }, job.data.before),
      },
    }),
    startWorkers: async () => {
      const q = core.queues.get('sla');
      await q.upsertJobScheduler('sla-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      await q.add('sweep', {}, { jobId: `sla-sweep-start-${Date.now()}`, removeOnComplete: true });
    },
  };
}
