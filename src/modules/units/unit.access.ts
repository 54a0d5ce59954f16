import type { Types } from 'mongoose';
import { NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { CustomerDoc } from '../customers/customer.model';
import type { UnitDoc } from './unit.model';
import type { UnitService } from './unit.service';

/** Who may see a customer record (src/modules/customers/customer.access.ts). */
export interface CustomerVisibility {
  get(id: string, p: Principal): Promise<CustomerDoc>;
  canSee(c: CustomerDoc, p: Principal): Promise<boolean>;
}

/**
 * Units are read as their owners are: an agent sees the units of the customers of their teams'
 * tickets (managers, directors and admins all). Anyone else is told the unit does not exist (404),
 * so a serial does not reveal whose it is.
 */
export class UnitAccess {
  constructor(
    private readonly units: UnitService,
    private readonly customers: { get(id: string | Types.ObjectId): Promise<CustomerDoc> },
    private readonly visibility: CustomerVisibility,
  ) {}

  /** The customer record, if the principal may see it (404 otherwise). */
  customer(id: string, p: Principal): Promise<CustomerDoc> {
    return this.visibility.get(id, p);
  }

  async unit(id: string, p: Principal): Promise<UnitDoc> {
    const u = await this.units.find(id);
    if (!u || !(await this.mayRead(u, p))) throw new NotFoundError('Unit');
    return u;
  }

  async bySerial(serial: string, model: string | undefined, p: Principal): Promise<UnitDoc[]> {
    const found = await this.units.bySerial(serial, model);
    const visible: UnitDoc[] = [];
    for (const u of found) if (await this.mayRead(u, p)) visible.push(u);
    return visible;
  }

  private async mayRead(u: UnitDoc, p: Principal): Promise<boolean> {
    if (p.seesAllTeams) return true;
    return this.visibility.canSee(await this.customers.get(u.customerId as Types.ObjectId), p);
  }
}
