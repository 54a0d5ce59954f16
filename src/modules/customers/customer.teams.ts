import type { Types } from 'mongoose';
import type { Logger } from '../../logger';
import type { CounterModel } from '../counters/counter.model';
import { updateEach } from '../../infra/batches';
import { idsBy, oncePerDatabase } from '../counters/migration';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import type { CreatedContext, TicketChanges, TicketObserver } from '../tickets/ticket.observers';
import type { CustomerModel } from './customer.model';

const BACKFILL_MARK = 'migration:customer-teams';
const RECENT_MARK = 'migration:customer-recent-tickets';
/** ticket ids kept on a customer for the panel: more than the panel shows (20), so moves and merges leave enough */
export const RECENT_TICKETS = 50;

/**
 * Keeps `customer.teams`, the set of teams of a customer's tickets, beside the tickets: a ticket
 * created adds its team, a ticket moved adds the new team and drops the old one unless another of
 * the customer's tickets is still there. Reading who may see a customer is then one `_id` read,
 * never a scan of the tickets (CustomerAccess; MONGO-SUBSET.md). With the same write, a new
 * ticket's id joins `customer.recentTickets`, which the customer panel reads by `_id`.
 */
export class CustomerTeams implements TicketObserver {
  readonly name = 'customers';

  constructor(private readonly d: { Customer: CustomerModel; Ticket: TicketModel; Counter: CounterModel; log: Logger }) {}

  async created(ticket: TicketDoc, _first?: unknown, ctx?: CreatedContext): Promise<void> {
    // The creation read (or made) the record with the team already there: nothing to add. A team
    // pulled meanwhile by a move is put back by the mover, which finds this ticket (changed()).
    const c = ctx?.customer as { _id: unknown; teams?: string[]; recentTickets?: unknown[] } | null | undefined;
    if (c && String(c._id) === String(ticket.customerId) && c.teams?.includes(ticket.team) && c.recentTickets?.some((id) => String(id) === String(ticket._id))) return;
    const customerId = ticket.customerId as Types.ObjectId;
    // the id once (a re-driven creation finds it there), the list capped, the team with it
    const r = await this.d.Customer.updateOne(
      { _id: customerId, recentTickets: { $ne: ticket._id } },
      { $addToSet: { teams: ticket.team }, $push: { recentTickets: { $each: [ticket._id], $slice: -RECENT_TICKETS } } },
    );
    if (!r.matchedCount) await this.add(customerId, ticket.team);
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
    const recent = await this.backfillRecent();
    const teams = await oncePerDatabase(this.d.Counter, BACKFILL_MARK, async () => {
      const groups = await this.d.Ticket.aggregate<{ _id: Types.ObjectId; teams: string[] }>([{ $group: { _id: '$customerId', teams: { $addToSet: '$team' } } }]);
      await updateEach(this.d.Customer, groups, (g) => ({ filter: { _id: g._id }, update: { $addToSet: { teams: { $each: g.teams } } } }));
      return groups.length;
    });
    if (teams) this.d.log.info({ customers: teams }, 'customer teams backfilled from their tickets');
    return teams || recent;
  }

  /** Once per database: customers stored before `recentTickets` existed get the ids of their latest tickets. */
  private async backfillRecent(): Promise<number> {
    const done = await oncePerDatabase(this.d.Counter, RECENT_MARK, async () => {
      const groups = await idsBy(this.d.Ticket, 'customerId');
      await updateEach(this.d.Customer, groups, (g) => ({ filter: { _id: g._id }, update: { $set: { recentTickets: g.ids.slice(-RECENT_TICKETS) } } }));
      return groups.length;
    });
    if (done) this.d.log.info({ customers: done }, 'customers\' recent tickets backfilled');
    return done;
  }
}
