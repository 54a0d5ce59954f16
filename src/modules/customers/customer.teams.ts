import type { Types } from 'mongoose';
import type { Logger } from '../../logger';
import type { CounterModel } from '../counters/counter.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../tickets/ticket.observers';
import type { CustomerModel } from './customer.model';

const BACKFILL_MARK = 'migration:customer-teams';

/**
 * Keeps `customer.teams`, the set of teams of a customer's tickets, beside the tickets: a ticket
 * created adds its team, a ticket moved adds the new team and drops the old one unless another of
 * the customer's tickets is still there. Reading who may see a customer is then one `_id` read,
 * never a scan of the tickets (CustomerAccess; MONGO-SUBSET.md).
 */
export class CustomerTeams implements TicketObserver {
  readonly name = 'customers';

  constructor(private readonly d: { Customer: CustomerModel; Ticket: TicketModel; Counter: CounterModel; log: Logger }) {}

  async created(ticket: TicketDoc): Promise<void> {
    await this.add(ticket.customerId as Types.ObjectId, ticket.team);
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (!changes.team) return;
    const [from, to] = changes.team as [string, string];
    const customerId = ticket.customerId as Types.ObjectId;
    await this.add(customerId, to);
    await this.d.Customer.updateOne({ _id: customerId }, { $pull: { teams: from } });
    // Pulled after the look: a ticket of that team created meanwhile, or still there, puts it back.
    if (await this.d.Ticket.exists({ customerId, team: from })) await this.add(customerId, from);
  }

  add(customerId: Types.ObjectId, team: string): Promise<unknown> {
    return this.d.Customer.updateOne({ _id: customerId }, { $addToSet: { teams: team } });
  }

  /**
   * Once per database: customers stored before `teams` existed get the teams of their tickets.
   * Idempotent ($addToSet), so two processes starting together do no harm.
   */
  async backfill(): Promise<number> {
    if (await this.d.Counter.exists({ _id: BACKFILL_MARK })) return 0;
    const groups = await this.d.Ticket.aggregate<{ _id: Types.ObjectId; teams: string[] }>([{ $group: { _id: '$customerId', teams: { $addToSet: '$team' } } }]);
    for (let i = 0; i < groups.length; i += 500) {
      const ops = groups.slice(i, i + 500).map((g) => ({ updateOne: { filter: { _id: g._id }, update: { $addToSet: { teams: { $each: g.teams } } } } }));
      await this.d.Customer.bulkWrite(ops, { ordered: false });
    }
    await this.d.Counter.updateOne({ _id: BACKFILL_MARK }, { $set: { seq: groups.length } }, { upsert: true });
    if (groups.length) this.d.log.info({ customers: groups.length }, 'customer teams backfilled from their tickets');
    return groups.length;
  }
}
