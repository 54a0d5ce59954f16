import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { AuditLog } from '../audit/audit.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { CustomerAccess } from './customer.access';
import { customerRoutes } from './customer.routes';
import type { CustomerService } from './customer.service';
import { CustomerTeams } from './customer.teams';

export interface CustomersModuleDeps {
  customers: CustomerService;
  updates: Pick<TicketUpdates, 'moveCustomer'>;
  audit: AuditLog;
}

/**
 * The customer archive: lookup, records, merge (the merged customer's tickets follow), scoped by the
 * teams of each customer's tickets (kept on the record by the `customers` ticket observer).
 */
export function customersModule(core: Core, d: CustomersModuleDeps): AppModule {
  const { Customer, Ticket, Counter } = core.models;
  const teams = new CustomerTeams({ Customer, Ticket, Counter, log: core.log.child({ component: 'customer-teams' }) });
  const access = new CustomerAccess({ customers: d.customers, Ticket, teams });
  return {
    name: 'customers',
    routes: (api) => [customerRoutes(api, { customers: d.customers, access, tickets: d.updates, audit: d.audit })],
    ticketObservers: () => [teams],
    startApi: async () => {
      await teams.backfill();
    },
    startWorkers: async () => {
      await teams.backfill();
    },
  };
}
