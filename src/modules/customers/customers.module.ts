import type { AppModule } from '../app-module';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { customerRoutes } from './customer.routes';
import type { CustomerService } from './customer.service';

/** The customer archive: lookup, records, merge (the merged customer's tickets follow). */
export function customersModule(d: { customers: CustomerService; updates: Pick<TicketUpdates, 'moveCustomer'> }): AppModule {
  return { name: 'customers', routes: (api) => [customerRoutes(api, d.customers, d.updates)] };
}
