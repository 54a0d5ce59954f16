import type { Types } from 'mongoose';
import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import type { ProductService } from '../products/product.service';
import type { TicketUnitLinks } from '../tickets/ticket.routes';
import type { Actor } from '../tickets/ticket.types';
import { migrateCustomerProducts } from './unit.migration';
import { unitModels } from './unit.model';
import { UnitAccess, type CustomerVisibility } from './unit.access';
import { unitRoutes } from './unit.routes';
import { UnitService } from './unit.service';

export type UnitsModule = AppModule & {
  units: UnitService;
  /** what the ticket routes need of units */
  ticketLinks: TicketUnitLinks;
  moveCustomer(from: Types.ObjectId, into: Types.ObjectId, actor: Actor): Promise<void>;
  migrate(): ReturnType<typeof migrateCustomerProducts>;
  /** who may see which customer (the core module's CustomerAccess): units are read as their owners are */
  useCustomerAccess(visibility: CustomerVisibility): void;
};

/** Units (products customers own) and their warranty; the one-off migration of customers' products at start. */
export function unitsModule(core: Pick<Core, 'conn' | 'clock' | 'config' | 'customers' | 'models' | 'log'>, products: ProductService): UnitsModule {
  const units = new UnitService({ models: unitModels(core.conn, core.clock), products, customers: core.customers, clock: core.clock, timeZone: core.config.orgTimeZone });
  const log = core.log.child({ component: 'units' });
  let visibility: CustomerVisibility | null = null;
  const access = new UnitAccess(units, core.customers, () => {
    if (!visibility) throw new Error('units: customer access is not wired');
    return visibility;
  });
  const migrate = () => migrateCustomerProducts({ Customer: core.models.Customer, Counter: core.models.Counter, units, products, log });
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
    useCustomerAccess: (v) => void (visibility = v),
    routes: (api) => [unitRoutes(api, units, access)],
    async startApi() {
      await migrate();
    },
  };
}
