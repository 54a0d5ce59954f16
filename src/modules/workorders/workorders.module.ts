import type { Job } from 'bullmq';
import { MailStore } from '../../channels/email/mail-store';
import type { Core } from '../../core/core';
import { LookupRows, lookupRowsModel } from '../../infra/lookup-rows';
import type { AppModule } from '../app-module';
import type { CalendarService } from '../calendars/calendar.service';
import type { CustomerService } from '../customers/customer.service';
import { SlaNotifier } from '../sla/sla-notifier';
import { fireTimer, SlaTimers } from '../sla/sla-timers';
import type { TeamService } from '../teams/team.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { UnitService } from '../units/unit.service';
import { DispatchBoard, TeamTimeZones } from './dispatch-board';
import { OnSiteService } from './onsite.service';
import { DueSet } from '../../infra/due-set';
import { ReportPdf } from './report-pdf';
import { ServiceReportService } from './service-report.service';
import { WorkOrderEffects } from './workorders.effects';
import { WorkOrderIndex } from './workorders.index';
import { serviceReportModel, workOrderModel } from './workorders.model';
import { workOrderRawRoutes, workOrderRoutes } from './workorders.routes';
import { type CustomerSms, noPartsLedger, type PartsLedger, type UnitLookup } from './workorders.seams';
import { WorkOrderService } from './workorders.service';

const SWEEP_EVERY_MS = 30_000;

export interface WorkOrdersModuleDeps {
  tickets: Pick<TicketService, 'visible' | 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  customers: Pick<CustomerService, 'get'>;
  teams: Pick<TeamService, 'exists'>;
  /** business hours of the on-site target and the board */
  calendars: CalendarService;
  units: Pick<UnitService, 'find' | 'warrantyOf'>;
  /** texts to the customer beside the mails; null until SMS exists (the channels branch's SmsService fits CustomerSms) */
  sms: CustomerSms | null;
}

export type WorkOrdersModule = ReturnType<typeof workOrdersModule>;

/**
 * Work orders and field service: dispatch, the engineer's steps, the on-site target, the service report.
 * Customers are told by mail, and by text once an SMS service is wired in (`sms`, workorders.seams.ts).
 */
export function workOrdersModule(core: Core, d: WorkOrdersModuleDeps): AppModule & { workOrders: WorkOrderService; onsite: OnSiteService; reports: ServiceReportService; useParts(ledger: PartsLedger): void } {
  const { Agent, Team, Counter } = core.models;
  const { calendars } = d;
  const WorkOrder = workOrderModel(core.conn, core.clock);
  const Report = serviceReportModel(core.conn, core.clock);
  const log = core.log.child({ component: 'workorders' });
  const timers = new SlaTimers(core.queues, core.clock, { queue: 'workorders', data: (workOrderId) => ({ workOrderId }), jobName: () => 'onsite' });
  const onsite = new OnSiteService({
    WorkOrder,
    Team,
    Agent,
    calendars,
    timers,
    notifier: new SlaNotifier({ Agent, realtime: core.realtime, outbox: core.outbox, publicUrl: core.config.publicUrl, log }),
    realtime: core.realtime,
    outbox: core.outbox,
    config: core.config,
    clock: core.clock,
    log,
    due: new DueSet(core.redis, core.config.queuePrefix, 'onsite'),
  });
  const timeZones = new TeamTimeZones(Team, calendars);
  const timeZoneOf = (team: string) => timeZones.of(team);
  const index = new WorkOrderIndex(new LookupRows(lookupRowsModel(core.conn, 'WorkOrderIndex')), timeZoneOf);
  // a work order takes its ticket's unit (or a named one) with its warranty now
  const units: UnitLookup = async (id) => {
    const unit = await d.units.find(id);
    if (!unit) return null;
    return { id: String(unit._id), customerId: String(unit.customerId), model: String(unit.model), serial: String(unit.serial), warranty: await d.units.warrantyOf(unit) };
  };
  const workOrders = new WorkOrderService({ WorkOrder, Counter, Agent, tickets: d.tickets, customers: d.customers, teams: d.teams, onsite, units, index, clock: core.clock, log });
  onsite.bind(workOrders);
  const board = new DispatchBoard({ WorkOrder, Agent, Team, calendars, index });
  const effects = new WorkOrderEffects({ tickets: d.tickets, timeline: d.timeline, realtime: core.realtime, Agent, outbox: core.outbox, sms: d.sms, queues: core.queues, config: core.config, timeZoneOf, log });
  // the timers and escalations first (they are what someone waits for), then sockets, timeline and mails
  workOrders.observe((wo, change) => onsite.afterWrite(wo, change));
  workOrders.observe((wo, change) => effects.apply(wo, change));
  // the parts module (built after this one, as it reserves for work orders) plugs its ledger in here
  let partsLedger: PartsLedger = noPartsLedger;
  const reports = new ServiceReportService({
    WorkOrder,
    Report,
    Agent,
    workOrders,
    parts: { consume: (wo, parts, ref) => partsLedger.consume(wo, parts, ref) },
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
    useParts: (ledger: PartsLedger) => {
      partsLedger = ledger;
    },
    rawRoutes: (api) => [workOrderRawRoutes(api, { reports })],
    routes: (api) => [workOrderRoutes(api, { workOrders, reports, board, Agent })],
    processors: () => ({
      workorders: {
        onsite: fire,
        sweep: async () => ({ ...(await onsite.sweep()), effects: await workOrders.redrive() }),
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
