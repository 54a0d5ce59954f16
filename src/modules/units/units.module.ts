import type { Types } from 'mongoose';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { CustomerService } from '../customers/customer.service';
import type { ProductService } from '../products/product.service';
import type { TicketUnitLinks } from '../tickets/ticket.units';
import type { Actor } from '../../core/types';
import { migrateCustomerProducts } from './unit.migration';
import { unitModels } from './unit.model';
import { UnitAccess, type CustomerVisibility } from './unit.access';
import { unitRoutes } from './unit.routes';
import { UnitService } from './unit.service';

export interface UnitsModuleDeps {
  products: ProductService;
  customers: Pick<CustomerService, 'get'>;
  /** who may see which customer record (the customers module's CustomerAccess): units are read as their owners are */
  access: CustomerVisibility;
}

export type UnitsModule = AppModule & {
  units: UnitService;
  /** what the ticket routes need of units (plugged into the tickets module's TicketUnits) */
  ticketLinks: TicketUnitLinks;
  /** a merged customer's units follow (registered with the customers module's onMerge) */
  moveCustomer(from: Types.ObjectId, into: Types.ObjectId, actor: Actor): Promise<void>;
  migrate(): ReturnType<typeof migrateCustomerProducts>;
};

/** Units (products customers own) and their warranty; the one-off migration of customers' products at start. */
export function unitsModule(core: Core, d: UnitsModuleDeps): UnitsModule {
  const units = new UnitService({ models: unitModels(core.conn, core.clock), products: d.products, customers: d.customers, clock: core.clock, timeZone: core.config.orgTimeZone });
  const log = core.log.child({ component: 'units' });
  const access = new UnitAccess(units, d.customers, d.access);
  const migrate = () => migrateCustomerProducts({ Customer: core.models.Customer, Counter: core.models.Counter, units, products: d.products, log });
  const ticketLinks: TicketUnitLinks = {
    resolve: async (unitId, principal) => {
      const u = await access.unit(unitId, principal);
      return { id: u._id, customerId: u.customerId as Types.ObjectId, model: u.model, serial: u.serial };
    },
    linked: async (ticket) => {
      if (ticket.unitId) await units.noteTicket(ticket.unitId as Types.ObjectId, ticket.number);
    },
    view: async (ticket) => {
      const u = ticket.unitId ? await units.find(ticket.unitId as Types.ObjectId) : null;
      return u ? units.view(u) : null;
    },
  };
  return {
    name: 'units',
    units,
    ticketLinks,
    moveCustomer: (from, into, actor) => units.moveCustomer(from, into, actor),
    migrate,
    routes: (api) => [unitRoutes(api, units, access)],
    async startApi() {
      await migrate();
    },
  };
}
