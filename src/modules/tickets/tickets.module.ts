import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { AuditLog } from '../audit/audit.service';
import type { CustomerService } from '../customers/customer.service';
import type { TeamService } from '../teams/team.service';
import { CustomerMessageBatcher } from './message-batcher';
import { QueueIndex } from './queue-index';
import { TicketGuards } from './ticket.guard';
import { TicketInbound } from './ticket.inbound';
import { TicketJobs } from './ticket.jobs';
import { LiveTicketObserver } from './ticket.live';
import { type Deliver, type ReplyGuard, TicketMessages, type Uploads } from './ticket.messages';
import { TicketEvents } from './ticket.observers';
import { TicketQuery } from './ticket.query';
import { ticketRoutes } from './ticket.routes';
import { TicketService } from './ticket.service';
import { MessageList } from './message-list';
import { TicketStore } from './ticket.store';
import { TicketUnits } from './ticket.units';
import { TicketUpdates } from './ticket.updates';

export interface TicketsModuleDeps {
  customers: CustomerService;
  teams: TeamService;
  audit: AuditLog;
  /** where agents' replies go out (the channels' delivery router) */
  deliver: Deliver;
  /** the files a reply carries (src/modules/attachments) */
  uploads?: Uploads;
  /** whether a reply's channel can deliver it now, asked before it is stored (the same router) */
  guard?: ReplyGuard;
}

/**
 * Tickets: reads and creation (`tickets`), messages and delivery (`timeline`), changes and
 * assignment (`updates`), the inbound contract every channel uses (`inbound`), the observer
 * chain (`events`), the live queue and the auto-close and effects sweepers; `units` is where the
 * units module plugs in the unit a ticket is about.
 */
export function ticketsModule(core: Core, d: TicketsModuleDeps) {
  const { Ticket, Message, Counter, Agent, Customer } = core.models;
  const { clock } = core;
  const log = core.log.child({ component: 'tickets' });
  const events = new TicketEvents({ Ticket, Message, clock, log });
  const store = new TicketStore({ Ticket, Message, clock });
  const list = new MessageList({ Ticket, Message, Counter, log });
  // custom fields' checks on every write; the composition root hands over the fields module's guard
  const guard = new TicketGuards();
  const tickets = new TicketService({ Ticket, Message, Counter, customers: d.customers, teams: d.teams, audit: d.audit, store, list, events, guard, clock: core.clock });
  const timeline = new TicketMessages({ Message, tickets, customers: d.customers, store, events, audit: d.audit, deliver: d.deliver, uploads: d.uploads, guard: d.guard, fieldsGuard: guard, clock, log });
  const updates = new TicketUpdates({ Ticket, Agent, tickets, timeline, events, audit: d.audit, teams: d.teams, guard, clock });
  const batcher = new CustomerMessageBatcher({ Ticket, Message, store, events, timeline, clock, log: core.log.child({ component: 'message-batcher' }) });
  const inbound = new TicketInbound({ tickets, timeline, batcher, customers: d.customers });
  const queueIndex = new QueueIndex(core.redis, core.config.queuePrefix);
  const query = new TicketQuery(Ticket, Message, queueIndex, clock, async () => (await d.teams.list()).map((t) => t.key));
  const live = new LiveTicketObserver({ index: queueIndex, realtime: core.realtime, Agent, Customer });
  // the unit a ticket is about: the units module plugs in when the modules are wired
  const units = new TicketUnits();
  const jobs = new TicketJobs({ Ticket, Agent, Customer, tickets, updates, events, queueIndex, queues: core.queues, clock, autoCloseAfterMs: core.config.autoCloseAfterMs });
  const module: AppModule = {
    name: 'tickets',
    routes: (api) => [ticketRoutes(api, { tickets, timeline, updates, query, queueIndex, customers: d.customers, teams: d.teams, audit: d.audit, Agent, Customer, units })],
    ticketObservers: () => [jobs, live],
    processors: () => jobs.processors(),
    // tickets stored before their message lists get them, once per database
    startApi: async () => void (await list.backfill()),
    startWorkers: async () => {
      await list.backfill();
      await jobs.start();
    },
    // the agents' ticket summaries still waiting for their window go out before the process stops
    stopApi: async () => live.flush(),
    stopWorkers: async () => live.flush(),
  };
  return { module, tickets, timeline, updates, inbound, events, guard, queueIndex, live, query, jobs, units, messages: list };
}
