import type { Types } from 'mongoose';
import { ForbiddenError, NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { TicketModel } from '../tickets/ticket.model';
import type { CustomerDoc } from './customer.model';
import type { CustomerService } from './customer.service';
import type { CustomerTeams } from './customer.teams';

/**
 * Who may see and change a customer record: those who see every team (managers, directors,
 * admins), and agents of a team that has one of the customer's tickets (`customer.teams`).
 * Anyone else is told the customer does not exist (404, a lookup answers null), so the archive
 * does not confirm whose email or phone is on file. Every route that addresses a customer goes
 * through here (`get`, `lookup`, `assertMayMerge`).
 */
export class CustomerAccess {
  constructor(private readonly d: { customers: Pick<CustomerService, 'get' | 'findByContact'>; Ticket: TicketModel; teams: Pick<CustomerTeams, 'add'> }) {}

  async canSee(c: CustomerDoc, p: Principal): Promise<boolean> {
    if (p.canSeeAnyTeam(c.teams ?? [])) return true;
    // Only on the way to "no": a ticket whose team the set missed (an observer that failed) still
    // counts, and mends the set. Allowed reads never come here.
    const t = await this.d.Ticket.findOne({ customerId: c._id, team: { $in: [...p.teams] } }, { team: 1 }).lean();
    if (!t) return false;
    await this.d.teams.add(c._id as Types.ObjectId, t.team);
    return true;
  }

  async get(id: string, p: Principal): Promise<CustomerDoc> {
    const c = await this.d.customers.get(id);
    if (!(await this.canSee(c, p))) throw new NotFoundError('Customer');
    return c;
  }

  async lookup(input: { email?: string | null; phone?: string | null }, p: Principal): Promise<CustomerDoc | null> {
    const c = await this.d.customers.findByContact(input);
    return c && (await this.canSee(c, p)) ? c : null;
  }

  /** A merge moves tickets of every team of both records: supervisors only within the teams they lead; managers anywhere. */
  async assertMayMerge(into: CustomerDoc, from: CustomerDoc, p: Principal): Promise<void> {
    if (p.seesAllTeams) return;
    if (p.role !== 'supervisor') throw new ForbiddenError('Merging customers needs a supervisor');
    const outside = [...new Set([...(into.teams ?? []), ...(from.teams ?? [])])].filter((t) => !p.teams.includes(t));
    if (outside.length) throw new ForbiddenError(`These customers also have tickets in teams you do not lead (${outside.join(', ')}); ask a manager`);
  }
}
