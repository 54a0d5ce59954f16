import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { AuditLog } from '../audit/audit.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { CustomerAccess } from './customer.access';
import { customerRoutes, type MoveCustomer } from './customer.routes';
import type { CustomerService } from './customer.service';
import { CustomerTeams } from './customer.teams';

export interface CustomersModuleDeps {
  customers: CustomerService;
  updates: Pick<TicketUpdates, 'moveCustomer'>;
  audit: AuditLog;
}

export type CustomersModule = AppModule & {
  /** who may see which customer record; other domains read what customers own through it (units) */
  access: CustomerAccess;
  /** what else moves with a merged record (a customer's units): run in registration order after the tickets moved */
  onMerge(move: MoveCustomer): void;
};

/**
 * The customer archive: lookup, records, merge (the merged customer's tickets follow), scoped by the
 * teams of each customer's tickets (kept on the record by the `customers` ticket observer).
 */
export function customersModule(core: Core, d: CustomersModuleDeps): CustomersModule {
  const { Customer, Ticket, Counter } = core.models;
  const teams = new CustomerTeams({ Customer, Ticket, Counter, log: core.log.child({ component: 'customer-teams' }) });
  const access = new CustomerAccess({ customers: d.customers, Ticket, teams });
  const alsoMove: MoveCustomer[] = [];
  const moveAlso: MoveCustomer = async (from, into, actor) => {
    for (const move of alsoMove) await move(from, into, actor);
  };
  return {
    name: 'customers',
    access,
    onMerge: (move) => void alsoMove.push(move),
    routes: (api) => [customerRoutes(api, { customers: d.customers, access, tickets: d.updates, audit: d.audit, moveAlso })],
    ticketObservers: () => [teams],
    startApi: async () => {
      await teams.backfill();
    },
    startWorkers: async () => {
      await teams.backfill();
    },
  };
}
