import type { Core } from '../../container';
import { agentRoutes } from '../agents/agent.routes';
import type { AppModule } from '../app-module';
import { authRoutes } from '../auth/auth.routes';
import { customerRoutes, type MoveCustomer } from '../customers/customer.routes';
import { teamRoutes } from '../teams/team.routes';
import { ticketRoutes, type TicketUnitLinks } from '../tickets/ticket.routes';
import { ticketProcessors, TicketJobs } from '../tickets/ticket.jobs';

/** What other domains lend the core routes: the units a ticket links to, what moves when customers merge. */
export interface CoreExtensions {
  units: TicketUnitLinks;
  moveCustomer: MoveCustomer;
}

/** Tickets, customers, agents, teams and sign-in. */
export function coreModule(core: Core, ext: CoreExtensions): AppModule {
  const jobs = new TicketJobs(core);
  core.tickets.observe(jobs);
  return {
    name: 'core',
    routes: (api) => [
      authRoutes(api, core.auth),
      ticketRoutes(api, { tickets: core.tickets, query: core.ticketQuery, queueIndex: core.queueIndex, customers: core.customers, teams: core.teams, audit: core.audit, Agent: core.models.Agent, Customer: core.models.Customer, units: ext.units }),
      agentRoutes(api, core.agents),
      teamRoutes(api, core.teams),
      customerRoutes(api, core.customers, ext.moveCustomer),
    ],
    processors: () => ticketProcessors(jobs),
    startWorkers: () => jobs.start(),
  };
}
