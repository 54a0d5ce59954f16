import type { Job } from 'bullmq';
import type { Core } from '../../container';
import { MailStore } from '../../channels/email/mail-store';
import type { AppModule } from '../app-module';
import type { CalendarService } from '../calendars/calendar.service';
import type { UnitService } from '../units/unit.service';
import { SlaNotifier } from '../sla/sla-notifier';
import { fireTimer, SlaTimers } from '../sla/sla-timers';
import { LookupRows, lookupRowsModel } from '../../infra/lookup-rows';
import { DispatchBoard, TeamTimeZones } from './dispatch-board';
import { WorkOrderIndex } from './workorders.index';
import { OnSiteService } from './onsite.service';
import { ReportPdf } from './report-pdf';
import { ServiceReportService } from './service-report.service';
import { WorkOrderEffects } from './workorders.effects';
import { serviceReportModel, workOrderModel } from './workorders.model';
import { workOrderRawRoutes, workOrderRoutes } from './workorders.routes';
import { noPartsLedger } from './workorders.seams';
import { WorkOrderService } from './workorders.service';

const SWEEP_EVERY_MS = 30_000;

export type WorkOrdersModule = ReturnType<typeof workOrdersModule>;

/** Work orders and field service: dispatch, the engineer's steps, the on-site target, the service report. */
export function workOrdersModule(core: Core, calendars: CalendarService, units: Pick<UnitService, 'find' | 'warrantyOf'>): AppModule & { workOrders: WorkOrderService; onsite: OnSiteService; reports: ServiceReportService } {
  const WorkOrder = workOrderModel(core.conn, core.clock);
  const Report = serviceReportModel(core.conn, core.clock);
  const log = core.log.child({ component: 'workorders' });
  const timers = new SlaTimers(core.queues, core.clock, { queue: 'workorders', data: (workOrderId) => ({ workOrderId }), jobName: () => 'onsite' });
  const onsite = new OnSiteService({
    WorkOrder,
    Team: core.models.Team,
    Agent: core.models.Agent,
    calendars,
    timers,
    notifier: new SlaNotifier(core),
    realtime: core.realtime,
    outbox: core.outbox,
    config: core.config,
    clock: core.clock,
    log,
  });
  const timeZones = new TeamTimeZones(core.models.Team, calendars);
  const timeZoneOf = (team: string) => timeZones.of(team);
  const index = new WorkOrderIndex(new LookupRows(lookupRowsModel(core.conn, 'WorkOrderIndex')), timeZoneOf);
  const workOrders = new WorkOrderService({ WorkOrder, Counter: core.models.Counter, Agent: core.models.Agent, tickets: core.tickets, customers: core.customers, teams: core.teams, onsite, index, clock: core.clock, log });
  onsite.bind(workOrders);
  workOrders.useUnits(async (id) => {
    const unit = await units.find(id);
    if (!unit) return null;
    return { id: String(unit._id), customerId: String(unit.customerId), model: String(unit.model), serial: String(unit.serial), warranty: await units.warrantyOf(unit) };
  });
  const board = new DispatchBoard({ WorkOrder, Agent: core.models.Agent, Team: core.models.Team, calendars, index });
  const effects = new WorkOrderEffects({ tickets: core.tickets, realtime: core.realtime, Agent: core.models.Agent, outbox: core.outbox, queues: core.queues, config: core.config, timeZoneOf, log });
    // the timers and escalations first (they are what someone waits for), then sockets, timeline and mails
  workOrders.observe((wo, change) => onsite.afterWrite(wo, change));
  workOrders.observe((wo, change) => effects.apply(wo, change));
  const reports = new ServiceReportService({
    WorkOrder,
    Report,
    Agent: core.models.Agent,
    workOrders,
    parts: noPartsLedger,
    pdf: new ReportPdf(core.config.pdfFont),
    store: new MailStore(core.config.dataDir),
    outbox: core.outbox,
    company: core.config.companyName,
    timeZoneOf,
    log,
  });

  const fire = (job: Job<{ workOrderId: string }>) => fireTimer(() => onsite.check(job.data.workOrderId), core.clock);

  return {
    name: 'workorders',
    workOrders,
    onsite,
    reports,
    rawRoutes: (api) => [workOrderRawRoutes(api, { reports })],
    routes: (api) => [workOrderRoutes(api, { workOrders, reports, board, Agent: core.models.Agent })],
    processors: () => ({
      workorders: {
        onsite: fire,
        sweep: () => onsite.sweep(),
        'report-mail': (job: Job<{ workOrderId: string; version: number }>) => reports.mailToCustomer(job.data.workOrderId, job.data.version),
      },
    }),
    startWorkers: async () => {
      const q = core.queues.get('workorders');
      await q.upsertJobScheduler('wo-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      await q.add('sweep', {}, { jobId: `wo-sweep-start-${Date.now()}`, removeOnComplete: true });
    },
  };
}
