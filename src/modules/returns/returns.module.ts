import type { Job } from 'bullmq';
import { MailStore } from '../../channels/email/mail-store';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { CustomerService } from '../customers/customer.service';
import type { TeamService } from '../teams/team.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import type { UnitService } from '../units/unit.service';
import { ReturnAttachments } from './return.attachments';
import { ReturnEffects } from './return.effects';
import { returnModels } from './return.model';
import { ReturnFigures } from './return.report';
import { returnRoutes } from './return.routes';
import { ReturnService } from './return.service';
import { ReturnSteps } from './return.steps';

const SWEEP_EVERY_MS = 60 * 1000;

export interface ReturnsModuleDeps {
  tickets: Pick<TicketService, 'byId' | 'visible'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  updates: Pick<TicketUpdates, 'update'>;
  customers: Pick<CustomerService, 'get'>;
  teams: Pick<TeamService, 'exists' | 'list'>;
  units: UnitService;
}

export type ReturnsModule = AppModule & { returns: ReturnService; steps: ReturnSteps; effects: ReturnEffects; figures: ReturnFigures };

/** Returns and exchanges (退换货): the records, their steps, the effects worker and its sweeper. */
export function returnsModule(core: Core, d: ReturnsModuleDeps): ReturnsModule {
  const models = returnModels(core.conn, core.clock);
  const log = core.log.child({ component: 'returns' });
  const { units } = d;
  const effects = new ReturnEffects({ models, tickets: d.tickets, timeline: d.timeline, customers: d.customers, outbox: core.outbox, queues: core.queues, realtime: core.realtime, clock: core.clock, log });
  const returns = new ReturnService({ models, Counter: core.models.Counter, tickets: d.tickets, updates: d.updates, units, teams: d.teams, effects, clock: core.clock });
  const steps = new ReturnSteps({ models, returns, units, effects, clock: core.clock });
  const attachments = new ReturnAttachments({ models, returns, effects, store: new MailStore(core.config.dataDir), clock: core.clock });
  return {
    name: 'returns',
    returns,
    steps,
    effects,
    figures: new ReturnFigures(models.Return),
    routes: (api) => [returnRoutes(api, { returns, steps, attachments })],
    processors: () => ({
      returns: {
        effects: (job: Job) => effects.apply(String(job.data.returnId), String(job.data.eventId)),
        sweep: () => effects.sweep(),
      },
    }),
    async startWorkers() {
      await core.queues.get('returns').upsertJobScheduler('returns-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
