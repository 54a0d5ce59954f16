import type { Job } from 'bullmq';
import type { Core } from '../../container';
import type { JobHandlers } from '../../infra/queues';
import type { TicketDoc } from './ticket.model';
import type { TicketChanges, TicketObserver } from './ticket.observer';
import { loadNames, serializeTicket, toQueueItem } from './ticket.serialize';
import { LIVE_STATUSES } from './ticket.types';

const SWEEP_EVERY_MS = 5 * 60 * 1000;

/**
 * Solved tickets close by themselves after AUTO_CLOSE_AFTER. The delayed job is a trigger; the
 * sweeper closes whatever a lost job left behind, and rebuilds the live queue index from MongoDB.
 */
export class TicketJobs implements TicketObserver {
  readonly name = 'ticket-jobs';

  constructor(private readonly core: Core) {}

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (!changes.status) return;
    const jobId = `close-${ticket._id}`;
    if (ticket.status === 'solved') {
      await this.core.queues.schedule('tickets', 'auto-close', { ticketId: String(ticket._id) }, { jobId, delay: this.core.config.autoCloseAfterMs, replace: true });
    } else {
      await this.core.queues.remove('tickets', jobId);
    }
  }

  async autoClose(ticketId: string): Promise<void> {
    const t = await this.core.tickets.byId(ticketId);
    if (!t || t.status !== 'solved' || !t.solvedAt) return;
    if (t.solvedAt.getTime() + this.core.config.autoCloseAfterMs > this.core.clock.now().getTime() + 1000) return; // reopened and solved again: a newer job will come
    await this.core.tickets.update(t.number, { status: 'closed' }, null);
  }

  async sweep(): Promise<{ closed: number }> {
    const cutoff = new Date(this.core.clock.now().getTime() - this.core.config.autoCloseAfterMs);
    const due = await this.core.models.Ticket.find({ status: 'solved', solvedAt: { $lte: cutoff } }, { _id: 1 }).limit(500).lean();
    for (const t of due) await this.autoClose(String(t._id));
    return { closed: due.length };
  }

  /** Rebuilds the live queue index from MongoDB, in batches. */
  async rebuildQueueIndex(): Promise<number> {
    const { Ticket, Agent, Customer } = this.core.models;
    await this.core.queueIndex.clear();
    let count = 0;
    let last: unknown = null;
    for (;;) {
      const batch: TicketDoc[] = await Ticket.find({ status: { $in: [...LIVE_STATUSES] }, ...(last ? { _id: { $gt: last } } : {}) }).sort({ _id: 1 }).limit(1000);
      if (!batch.length) break;
      const names = await loadNames(batch, Agent, Customer);
      for (const t of batch) await this.core.queueIndex.put(toQueueItem(serializeTicket(t, names)));
      count += batch.length;
      last = batch[batch.length - 1]._id;
    }
    return count;
  }

  async start(): Promise<void> {
    const q = this.core.queues.get('tickets');
    await q.upsertJobScheduler('tickets-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    await q.add('rebuild-index', {}, { jobId: `rebuild-index-${Math.floor(Date.now() / 60000)}` });
  }
}

export function ticketProcessors(jobs: TicketJobs): JobHandlers {
  return {
    tickets: {
      'auto-close': (job: Job) => jobs.autoClose(job.data.ticketId),
      sweep: () => jobs.sweep(),
      'rebuild-index': () => jobs.rebuildQueueIndex(),
    },
  };
}
