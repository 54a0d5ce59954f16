import type { Types } from 'mongoose';
import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import type { ProductService } from '../products/product.service';
import type { TicketUnitLinks } from '../tickets/ticket.routes';
import type { Actor } from '../tickets/ticket.types';
import { migrateCustomerProducts } from './unit.migration';
import { unitModels } from './unit.model';
import { unitRoutes } from './unit.routes';
import { UnitService } from './unit.service';

export type UnitsModule = AppModule & {
  units: UnitService;
  /** what the ticket routes need of units */
  ticketLinks: TicketUnitLinks;
  moveCustomer(from: Types.ObjectId, into: Types.ObjectId, actor: Actor): Promise<void>;
  migrate(): ReturnType<typeof migrateCustomerProducts>;
};

/** Units (products customers own) and their warranty; the one-off migration of customers' products at start. */
export function unitsModule(core: Pick<Core, 'conn' | 'clock' | 'config' | 'customers' | 'models' | 'log'>, products: ProductService): UnitsModule {
  const units = new UnitService({ models: unitModels(core.conn, core.clock), products, customers: core.customers, clock: core.clock, timeZone: core.config.orgTimeZone });
  const log = core.log.child({ component: 'units' });
  const migrate = () => migrateCustomerProducts({ Customer: core.models.Customer, Counter: core.models.Counter, units, products, log });
  const ticketLinks: TicketUnitLinks = {
    resolve: async (unitId) => {
      const u = await units.byId(unitId);
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
    routes: (api) => [unitRoutes(api, units)],
    async startApi() {
      await migrate();
    },
  };
}
