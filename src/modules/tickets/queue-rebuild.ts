import { Types } from 'mongoose';
import { inIdSlices } from '../../infra/batches';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { QueueIndex, QueueItem } from './queue-index';
import type { TicketDoc, TicketModel } from './ticket.model';
import { loadNames, serializeTicket, toQueueItem } from './ticket.serialize';
import { isLiveStatus, LIVE_STATUSES } from './ticket.types';

export interface QueueRebuildDeps {
  Ticket: TicketModel;
  Agent: AgentModel;
  Customer: CustomerModel;
  index: QueueIndex;
  /** tickets reconciled at a time (default 100: the slice read by _id, see inIdSlices) */
  batch?: number;
}

const BATCH = 100;
/** Equal but for `updatedAt` (which the effects journal's housekeeping moves without changing what agents see). */
const sameShown = (a: QueueItem, b: QueueItem) => JSON.stringify({ ...a, updatedAt: null }) === JSON.stringify({ ...b, updatedAt: null });

/**
 * Mends the live queue index from MongoDB (the truth) while agents keep working on it: nothing is
 * cleared first, so the queue never shows a hole while the repair runs, and a repair reading an
 * older copy of a ticket never undoes what the live observer wrote since:
 * - an entry the index holds of a newer version than the copy read is left alone;
 * - every entry the repair wrote is checked against the ticket read again by `_id`, so a ticket
 *   solved (or changed) while the repair ran is not put back (or left stale);
 * - entries of tickets that are no longer live are removed only after their ticket is read again.
 * When the index is right (the usual case), the repair writes nothing.
 */
export class QueueRebuild {
  constructor(private readonly d: QueueRebuildDeps) {}

  async run(): Promise<{ live: number; written: number; removed: number; pruned: number }> {
    const seen = new Set<string>();
    let written = 0;
    const size = this.d.batch ?? BATCH;
    // one query for the live tickets' ids, then the tickets by _id in slices (inIdSlices; a copy may
    // be older than the index's entry: see above)
    const live = this.d.Ticket.find({ status: { $in: [...LIVE_STATUSES] } }, { _id: 1 }).lean().cursor({ batchSize: 10_000 });
    for await (const batch of inIdSlices<TicketDoc>(live, size, (ids) => this.d.Ticket.find({ _id: { $in: ids } }))) {
      for (const t of batch) seen.add(String(t._id));
      written += await this.reconcile(batch);
    }
    const removed = await this.removeGone(seen);
    const pruned = await this.d.index.pruneOrphans();
    return { live: seen.size, written, removed, pruned };
  }

  /** Brings the index in line with these copies of live tickets; answers how many entries it wrote. */
  async reconcile(batch: TicketDoc[]): Promise<number> {
    if (!batch.length) return 0;
    const names = await loadNames(batch, this.d.Agent, this.d.Customer);
    const held = await this.d.index.getMany(batch.map((t) => String(t._id)));
    const wrote: QueueItem[] = [];
    for (let i = 0; i < batch.length; i++) {
      const item = toQueueItem(serializeTicket(batch[i], names));
      const before = held[i];
      if (before && (before.updatedAt > item.updatedAt || sameShown(before, item))) continue;
      await this.d.index.put(item, before);
      wrote.push(item);
    }
    if (wrote.length) await this.recheck(wrote);
    return wrote.length;
  }

  /** Reads again the tickets whose entries were just written and corrects what changed meanwhile. */
  private async recheck(items: QueueItem[]): Promise<void> {
    const now: TicketDoc[] = await this.d.Ticket.find({ _id: { $in: items.map((i) => i.id) } });
    const byId = new Map(now.map((t) => [String(t._id), t]));
    const names = await loadNames(now, this.d.Agent, this.d.Customer);
    const held = await this.d.index.getMany(items.map((i) => i.id));
    for (const [i, put] of items.entries()) {
      const t = byId.get(put.id);
      if (!t || !isLiveStatus(t.status)) {
        await this.d.index.remove(put.id);
        continue;
      }
      const fresh = toQueueItem(serializeTicket(t, names));
      if (fresh.updatedAt > put.updatedAt) await this.d.index.put(fresh, held[i]);
    }
  }

  /** Entries of tickets not among the live ones read: removed once their ticket, read again, is not live. */
  private async removeGone(seen: Set<string>): Promise<number> {
    let removed = 0;
    for await (const ids of this.d.index.ids()) {
      const unseen = ids.filter((id) => !seen.has(id));
      if (!unseen.length) continue;
      const valid = unseen.filter((id) => Types.ObjectId.isValid(id));
      const tickets = valid.length ? await this.d.Ticket.find({ _id: { $in: valid } }, { _id: 1, status: 1 }).lean() : [];
      const live = new Set(tickets.filter((t) => isLiveStatus(t.status)).map((t) => String(t._id)));
      for (const id of unseen) {
        if (live.has(id)) continue; // opened after the read began: its observer put it
        await this.d.index.remove(id);
        removed++;
      }
    }
    return removed;
  }
}
