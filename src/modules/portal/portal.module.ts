import type { Job } from 'bullmq';
import { Router, type Request } from 'express';
import { MailStore } from '../../channels/email/mail-store';
import { portalMultipart } from './portal.uploads';
import type { Core } from '../../core/core';
import type { Locale } from '../../core/types';
import { LookupRows, lookupRowsModel } from '../../infra/lookup-rows';
import type { AppModule } from '../app-module';
import { appointmentModels } from '../appointments/appointment.model';
import { AppointmentEffects } from '../appointments/appointment.effects';
import { appointmentRoutes } from '../appointments/appointment.routes';
import { AppointmentService } from '../appointments/appointment.service';
import { type AuthService, bearerToken } from '../auth/auth.service';
import type { CalendarService } from '../calendars/calendar.service';
import type { CustomerService } from '../customers/customer.service';
import { reminderModel } from '../maintenance/reminder.model';
import { ReminderService } from '../maintenance/reminder.service';
import type { ProductService } from '../products/product.service';
import type { TicketInbound } from '../tickets/ticket.inbound';
import type { TicketService } from '../tickets/ticket.service';
import { unitModels } from '../units/unit.model';
import type { UnitService } from '../units/unit.service';
import { TeamTimeZones } from '../workorders/dispatch-board';
import { keys } from '../workorders/workorders.index';
import { workOrderModel } from '../workorders/workorders.model';
import type { CustomerSms } from '../workorders/workorders.seams';
import type { ServiceReportService } from '../workorders/service-report.service';
import type { WorkOrderService } from '../workorders/workorders.service';
import { DateTime } from 'luxon';
import { portalBookingRoutes } from './portal-booking.routes';
import { PortalPages } from './portal.pages';
import { portalRoutes } from './portal.routes';
import { PortalService } from './portal.service';
import { PortalSessions } from './portal.session';
import { bookingLinks, statusLinks } from './signed-link';
import { noQuotes, StatusService, type CustomerQuotes } from './status.service';
import { statusRoutes } from './status.routes';

const SWEEP_EVERY_MS = 10 * 60_000;

export interface PortalModuleDeps {
  auth: Pick<AuthService, 'authenticate'>;
  tickets: Pick<TicketService, 'messages' | 'recentOf'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findByContact'>;
  units: UnitService;
  products: ProductService;
  calendars: CalendarService;
  workOrders: WorkOrderService;
  reports: Pick<ServiceReportService, 'customerPdf'>;
  /** quotes of a ticket for the status page and the portal; none until the quotes module plugs in */
  quotes?: CustomerQuotes;
  /** texts beside the appointment mails (null until an SMS service is wired in) */
  sms: CustomerSms | null;
}

export type PortalModule = AppModule & { reminders: ReminderService; appointments: AppointmentService };

/**
 * Customer self-service (#20): the signed status page of a ticket, the portal (passwordless sign-in,
 * the customer's tickets, units, visits, reports), booked appointments, maintenance reminders.
 */
export function portalModule(core: Core, d: PortalModuleDeps): PortalModule {
  const { config, clock, queues, outbox } = core;
  const { Ticket, Agent, Team } = core.models;
  const log = core.log.child({ component: 'portal' });
  const WorkOrder = workOrderModel(core.conn, clock);
  const rows = new LookupRows(lookupRowsModel(core.conn, 'WorkOrderIndex'));
  const zones = new TeamTimeZones(Team, d.calendars);
  const status = new StatusService({ Ticket, WorkOrder, Agent, workOrderIds: (n) => rows.ids([keys.ticket(n)]), timeZoneOf: (team) => zones.of(team), quotes: d.quotes ?? noQuotes, links: statusLinks(config.sessionSecret), timeZone: config.orgTimeZone, clock });
  const sessions = new PortalSessions(core.redis, config.queuePrefix, config.sessionSecret, config.publicUrl.startsWith('https://'), clock);
  const reminders = new ReminderService({ Reminder: reminderModel(core.conn, clock), Unit: unitModels(core.conn, clock).Unit, products: d.products, customers: d.customers, queues, outbox, clock, log, config });
  const portal = new PortalService({ Ticket, tickets: d.tickets, inbound: d.inbound, customers: d.customers, units: d.units, unitRegistered: async (unit) => void (await reminders.plan(String(unit._id))) });
  const models = appointmentModels(core.conn, clock);
  const effects = new AppointmentEffects({ models, customers: d.customers, units: d.units, outbox, queues, sms: d.sms, answered: (unitId, id, at) => reminders.booked(unitId, id, at), timeZoneOf: (team) => zones.of(team), clock, log, config: { publicUrl: config.publicUrl, cutoffMs: config.appointmentCutoffMs } });
  const appointments = new AppointmentService({
    models,
    WorkOrder,
    Agent,
    Counter: core.models.Counter,
    workOrdersOnDay: (team, day, tz) => rows.ids([keys.day(team, DateTime.fromJSDate(day, { zone: tz }).toISODate()!)]),
    hours: (team) => zones.hours(team),
    units: d.units,
    customers: d.customers,
    inbound: d.inbound,
    workOrders: d.workOrders,
    onChange: effects.onChange,
    clock,
    log,
    config: { slotMs: config.appointmentSlotMs, bufferMs: config.appointmentTravelBufferMs, cutoffMs: config.appointmentCutoffMs },
  });
  const pages = new PortalPages(sessions, core.templates, (id) => d.customers.get(id).catch(() => null));
  const reportPdf = (id: string) => d.reports.customerPdf(id);

  const customerOf = async (req: Request, write: boolean): Promise<string | null> => {
    const s = await sessions.of(req);
    if (!s) return null;
    if (write && !sessions.checkCsrf(s, req.headers['x-csrf-token'])) return null;
    return s.customerId;
  };
  const agentOf = (req: Request) => d.auth.authenticate(bearerToken(req.headers.authorization));

  /** The worker's side of a sign-in link request: known addresses get a link; unknown ones nothing. */
  const sendLoginLink = async (email: string, locale: Locale) => {
    const customer = await d.customers.findByContact({ email });
    if (!customer) return { sent: false };
    const token = await sessions.issueMagic(String(customer._id));
    const lang: Locale = customer.locale === 'zh-CN' || customer.locale === 'en' ? customer.locale : locale;
    await outbox.send({ to: email, template: 'portal-login', locale: lang, data: { customerName: customer.name, loginUrl: `${config.publicUrl}/portal/auth/${token}?lang=${lang}` } });
    return { sent: true };
  };

  return {
    name: 'portal',
    reminders,
    appointments,
    // a reply with attachments is multipart: parsed (and its files stored) before the usual body parsers
    rawRoutes: () => [Router().post('/portal/tickets/:number/reply', portalMultipart(sessions, new MailStore(config.dataDir)))],
    routes: (api) => [
      statusRoutes(api, { status, reportPdf, localeOf: async (id) => ((await d.customers.get(id).catch(() => null))?.locale as Locale) ?? null, templates: core.templates, log }),
      portalRoutes(api, { pages, sessions, portal, status, appointments, products: d.products, reportPdf, queues, clientIp: core.clientIp, timeZone: config.orgTimeZone }),
      portalBookingRoutes(api, { pages, sessions, portal, appointments, links: bookingLinks(config.sessionSecret), clock, timeZone: config.orgTimeZone }),
      appointmentRoutes(api, { appointments, customerOf, agentOf }),
    ],
    processors: () => ({
      portal: {
        'login-link': (job: Job<{ email: string; locale: Locale }>) => sendLoginLink(job.data.email, job.data.locale),
        'maintenance-due': (job: Job<{ unitId: string }>) => reminders.plan(job.data.unitId).then((r) => ({ reminder: r?._id ?? null })),
        'maintenance-send': (job: Job<{ reminderId: string }>) => reminders.send(job.data.reminderId),
        'appointment-remind': (job: Job<{ appointmentId: string; slotStart: number }>) => effects.remind(job.data.appointmentId, job.data.slotStart),
        sweep: async () => ({ ...(await reminders.sweep()), appointmentReminders: await effects.sweep(), seatsReleased: await appointments.releaseOrphanSeats() }),
      },
    }),
    // appointments stored before the customers' rows existed get them, once per database
    startApi: async () => void (await appointments.backfill()),
    startWorkers: async () => {
      await appointments.backfill();
      const q = queues.get('portal');
      await q.upsertJobScheduler('portal-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      // at every start: whatever came due while no worker ran is found now, once
      await q.add('sweep', {}, { jobId: `portal-sweep-start-${Date.now()}`, removeOnComplete: true });
    },
  };
}
