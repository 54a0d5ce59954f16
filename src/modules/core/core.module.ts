import type { Core } from '../../container';
import { agentRoutes } from '../agents/agent.routes';
import type { AppModule } from '../app-module';
import { authRoutes } from '../auth/auth.routes';
import { CustomerAccess } from '../customers/customer.access';
import { customerRoutes } from '../customers/customer.routes';
import { CustomerTeams } from '../customers/customer.teams';
import { teamRoutes } from '../teams/team.routes';
import { ticketRoutes } from '../tickets/ticket.routes';
import { ticketProcessors, TicketJobs } from '../tickets/ticket.jobs';

/** Tickets, customers, agents, teams and sign-in. */
export function coreModule(core: Core): AppModule {
  const jobs = new TicketJobs(core);
  core.tickets.observe(jobs);
  // who may see a customer: the teams of its tickets, kept on the customer record
  const customerTeams = new CustomerTeams({ Customer: core.models.Customer, Ticket: core.models.Ticket, Counter: core.models.Counter, log: core.log.child({ component: 'customer-teams' }) });
  core.tickets.observe(customerTeams);
  const customerAccess = new CustomerAccess({ customers: core.customers, Ticket: core.models.Ticket, teams: customerTeams });
  return {
    name: 'core',
    routes: (api) => [
      authRoutes(api, core.auth),
      ticketRoutes(api, { tickets: core.tickets, query: core.ticketQuery, queueIndex: core.queueIndex, customers: core.customers, teams: core.teams, audit: core.audit, Agent: core.models.Agent, Customer: core.models.Customer }),
      agentRoutes(api, core.agents),
      teamRoutes(api, core.teams),
      customerRoutes(api, { customers: core.customers, access: customerAccess, tickets: core.tickets, audit: core.audit }),
    ],
    processors: () => ticketProcessors(jobs),
    startApi: async () => {
      await customerTeams.backfill();
    },
    startWorkers: async () => {
      await customerTeams.backfill();
      await jobs.start();
    },
  };
}
