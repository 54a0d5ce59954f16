import type { DeliveryRouter } from '../channels/delivery';
import { chatModule, chatVisitorPresence } from '../channels/chat/chat.module';
import { emailModule } from '../channels/email/email.module';
import { automationModule } from '../modules/automation/automation.module';
import { wireLinkedSources } from '../modules/automation/linked-sources';
import { unitFacts } from '../modules/automation/rule.facts';
import { fieldsModule } from '../modules/fields/fields.module';
import { webhooksModule } from '../modules/webhooks/webhooks.module';
import { imapModule } from '../channels/imap/imap.module';
import { smsModule } from '../channels/sms/sms.module';
import { voiceModule } from '../channels/voice/voice.module';
import { wechatModule } from '../channels/wechat/wechat.module';
import type { Core } from '../core/core';
import { mailModule } from '../mail/mail.module';
import { agentsModule } from '../modules/agents/agents.module';
import type { AgentService } from '../modules/agents/agent.service';
import type { AppModule } from '../modules/app-module';
import { attachmentsModule } from '../modules/attachments/attachments.module';
import type { AttachmentService } from '../modules/attachments/attachment.service';
import type { AuditLog } from '../modules/audit/audit.service';
import type { ConfigAuditLog } from '../modules/audit/config-audit';
import { authModule } from '../modules/auth/auth.module';
import type { AuthService } from '../modules/auth/auth.service';
import { calendarsModule } from '../modules/calendars/calendars.module';
import { callbacksModule } from '../modules/callbacks/callback.module';
import { cannedModule } from '../modules/canned/canned.module';
import { customersModule } from '../modules/customers/customers.module';
import { productsModule } from '../modules/products/products.module';
import { returnsModule } from '../modules/returns/returns.module';
import { kbModule } from '../modules/kb/kb.module';
import type { CustomerService } from '../modules/customers/customer.service';
import { dashboardModule } from '../modules/dashboard/dashboard.module';
import { reportsModule, storedCalendars } from '../modules/reports/report.module';
import { routingModule } from '../modules/routing/routing.module';
import { settingsModule } from '../modules/settings/settings.module';
import { searchModule } from '../modules/search/search.module';
import { slaModule } from '../modules/sla/sla.module';
import { surveyModule } from '../modules/surveys/survey.module';
import { teamsModule } from '../modules/teams/teams.module';
import type { TeamService } from '../modules/teams/team.service';
import type { QueueIndex } from '../modules/tickets/queue-index';
import { viewsModule } from '../modules/views/views.module';
import type { TicketInbound } from '../modules/tickets/ticket.inbound';
import type { LiveTicketObserver } from '../modules/tickets/ticket.live';
import type { TicketMessages } from '../modules/tickets/ticket.messages';
import type { TicketQuery } from '../modules/tickets/ticket.query';
import type { TicketService } from '../modules/tickets/ticket.service';
import type { TicketUnits } from '../modules/tickets/ticket.units';
import type { TicketUpdates } from '../modules/tickets/ticket.updates';
import { unitsModule } from '../modules/units/units.module';
import { workOrdersModule } from '../modules/workorders/workorders.module';
import { partsModule } from '../modules/parts/parts.module';
import { quotesModule } from '../modules/quotes/quotes.module';
import { statusUrl } from '../modules/portal/signed-link';
import { portalModule } from '../modules/portal/portal.module';

/** The services every domain may build on, made by the composition root before the modules. */
export interface Base {
  auth: AuthService;
  teams: TeamService;
  agents: AgentService;
  customers: CustomerService;
  audit: AuditLog;
  /** the settings audit trail: every module that changes settings writes here */
  configAudit: ConfigAuditLog;
  /** files agents and visitors upload (stored with mail attachments) */
  attachments: AttachmentService;
  /** agents' replies go out through the adapter of their ticket's channel */
  delivery: DeliveryRouter;
  tickets: TicketService;
  timeline: TicketMessages;
  updates: TicketUpdates;
  /** the inbound contract: how every channel's contact reaches a ticket */
  inbound: TicketInbound;
  queueIndex: QueueIndex;
  /** ticket lists and counts (`GET /api/tickets`: live index, word search, store) */
  query: TicketQuery;
  live: LiveTicketObserver;
  /** where the units module plugs in the unit a ticket is about */
  ticketUnits: TicketUnits;
  ticketsModule: AppModule;
}

/**
 * Every module of the system, wired with plain constructors: each factory gets the core (data and
 * infrastructure) and exactly the services it uses. The order below is the order routes are
 * mounted and start/stop hooks run; ticket observers run in OBSERVER_ORDER whatever the order here.
 * A new domain adds itself with one line in the list (and builds above it first when another
 * module needs its service).
 */
export function buildModules(core: Core, b: Base): AppModule[] {
  const { tickets, timeline, updates, inbound, customers, teams, agents, configAudit: audit } = b;
  // business hours: callbacks wait for the team's next opening, SLA clocks run on them
  const calendars = calendarsModule(core, { audit });
  // callback tasks: created by the hotline, the surveys (follow-ups), the chat widget and the API
  const callbacks = callbacksModule(core, { agents, tickets, timeline, updates, customers, hours: calendars.hours });
  // satisfaction surveys and follow-up calls after a solve; in the widget while the visitor is there
  const surveys = surveyModule(core, { tickets, timeline, customers, agents, callbacks: callbacks.callbacks, chatPresence: chatVisitorPresence(core) });
  // the customer archive; other domains read what a customer owns as the customer is seen
  const customerArchive = customersModule(core, { customers, updates, audit: b.audit });
  // custom fields: definitions, and the check of every ticket and unit write (the tickets module's guard)
  const fields = fieldsModule(core, { teams });
  // the product catalogue, units with their warranty (a ticket links to one; they follow a customer merge), returns and exchanges
  const catalogue = productsModule(core);
  const units = unitsModule(core, { products: catalogue.products, customers, access: customerArchive.access, fields: fields.fields });
  b.ticketUnits.use(units.ticketLinks);
  customerArchive.onMerge(units.moveCustomer);
  const returns = returnsModule(core, { tickets, timeline, updates, customers, teams, units: units.units });
  // search by words: the tickets' index (an observer, and `q` of the ticket list) and the analysis the knowledge base shares
  const search = searchModule(core, { teams, query: b.query });
  // email: SMTP intake, raw webhook, threaded replies; the fallback for channels without their own adapter
  const email = emailModule(core, { tickets, timeline, inbound, customers, teams, router: b.delivery });
  // SMS notifications (SmsService for work orders, appointments, surveys) and replies by SMS; null without SMS_URL
  const sms = smsModule(core, { tickets, timeline, inbound, customers, router: b.delivery });
  // outgoing webhooks: subscriptions and signed deliveries; rules call them too
  const webhooks = webhooksModule(core);
  // automation rules and macros, over the ticket operations, callbacks and webhooks
  const automation = automationModule(core, {
    tickets,
    timeline,
    updates,
    deliver: b.delivery.deliver,
    callbacks: callbacks.callbacks,
    customers,
    teams,
    fields: fields.fields,
    webhooks: webhooks.deliveries.ruleWebhooks(webhooks.webhooks),
    // "contains" by the same word analysis as search (退款 in 我要退款, and in 申请退钱 by its synonyms)
    matcher: search.analyzer,
    unit: unitFacts(units.units),
  });
  automation.linked.listen((event, data) => webhooks.deliveries.announce(`${event.kind}.updated`, `${event.kind}-${event.id}-${event.key}`, { ticketId: event.ticketId, record: { kind: event.kind, data }, changes: event.changes }));
  // work orders and field service: dispatch, the engineer's steps, the on-site target, the service report
  // (texts beside the customer's mails when SMS_URL is set)
  const workOrders = workOrdersModule(core, { tickets, timeline, customers, teams, calendars: calendars.calendars, units: units.units, sms: sms.sms });
  // spare parts and stock: reservations for work orders, the report's consumption, old parts expected back
  const parts = partsModule(core, { workOrders: workOrders.workOrders });
  workOrders.useParts(parts.workOrderParts);
  // their changes and the returns' steps are rules' events (workorder.updated, return.updated) and webhooks'
  wireLinkedSources(automation.linked, { workOrders: workOrders.workOrders, Agent: core.models.Agent, returns: returns.returns, returnEffects: returns.effects });
  // quotes and payment before paid work; the status page and the portal show a ticket's quotes
  const quotes = quotesModule(core, { tickets, timeline, customers, parts: parts.parts, workOrders: workOrders.workOrders });
  // presence and chat routing; the chat widget asks its index whether anyone can take a chat
  const routing = routingModule(core, { agents, tickets, updates });
  return [
    b.ticketsModule,
    authModule({ auth: b.auth, agents }),
    agentsModule(core, { agents, auth: b.auth, audit }),
    teamsModule(teams),
    customerArchive,
    catalogue,
    units,
    returns,
    mailModule(core.templates, core.mailer, (ticketId, locale) => statusUrl(core.config.publicUrl, core.config.sessionSecret, ticketId, locale)),
    chatModule(core, { delivery: b.delivery, tickets, timeline, updates, inbound, customers, teams, callbacks: callbacks.callbacks, ratings: surveys.answers, attachments: b.attachments, online: routing.index }),
    email,
    // existing mailboxes (IMAP) fetched into the same intake as SMTP
    imapModule(core, { email, teams }),
    voiceModule(core, { auth: b.auth, tickets, timeline, updates, inbound, teams, callbacks: callbacks.callbacks, audit }),
    // WeChat Official Account: signed webhook, the inbound contract, replies inside the 48-hour window
    wechatModule(core, { tickets, timeline, updates, inbound, customers, teams, audit: b.audit, router: b.delivery, sms: sms.sms }),
    sms,
    routing,
    dashboardModule(core, { queueIndex: b.queueIndex, teams }),
    cannedModule(core, { teams, audit }),
    settingsModule({ audit }),
    attachmentsModule({ attachments: b.attachments, tickets }),
    viewsModule(core, { query: b.query, teams, audit }),
    callbacks,
    surveys,
    reportsModule(core, storedCalendars(calendars.calendars), returns.figures, parts.oldParts, fields.fields),
    fields,
    webhooks,
    automation,
    calendars.module,
    slaModule(core, { calendars: calendars.calendars, tickets, live: b.live, audit, timeline }),
    workOrders,
    parts,
    // quotes and payment before paid work (先款后货): a paid quote clears its work order for dispatch
    quotes,
    search,
    // the knowledge base (知识库), the help centre /help and the widget's suggestions
    kbModule(core, { search, tickets, customers }),
    // customer self-service: status links, the portal, booked appointments, maintenance reminders
    portalModule(core, { auth: b.auth, tickets, inbound, customers, units: units.units, products: catalogue.products, calendars: calendars.calendars, workOrders: workOrders.workOrders, reports: workOrders.reports, sms: sms.sms, quotes: (ticketId) => quotes.quotes.forCustomer(ticketId) }),
    // ↑ a new domain: one line, e.g. loansModule(core, { tickets, timeline, customers }),
  ];
}
