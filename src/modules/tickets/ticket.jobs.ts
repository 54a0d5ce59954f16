import type { Job } from 'bullmq';
import type { JobHandlers, Queues } from '../../infra/queues';
import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { QueueIndex } from './queue-index';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { TicketChanges, TicketEvents, TicketObserver } from './ticket.observers';
import { QueueRebuild } from './queue-rebuild';
import type { TicketService } from './ticket.service';
import type { TicketUpdates } from './ticket.updates';

const SWEEP_EVERY_MS = 5 * 60 * 1000;
const EFFECTS_EVERY_MS = 60 * 1000;

export interface TicketJobsDeps {
  Ticket: TicketModel;
  Agent: AgentModel;
  Customer: CustomerModel;
  tickets: Pick<TicketService, 'byId'>;
  updates: Pick<TicketUpdates, 'update'>;
  events: Pick<TicketEvents, 'redrive'>;
  queueIndex: QueueIndex;
  queues: Queues;
  clock: Clock;
  autoCloseAfterMs: number;
}

/**
 * Solved tickets close by themselves after AUTO_CLOSE_AFTER. The delayed job is a trigger; the
 * sweeper closes whatever a lost job left behind, and rebuilds the live queue index from MongoDB.
 * The effects sweeper re-drives observers that failed or were cut short (ticket.observers.ts).
 */
export class TicketJobs implements TicketObserver {
  readonly name = 'jobs';

  private readonly rebuild: QueueRebuild;

  constructor(private readonly d: TicketJobsDeps) {
    this.rebuild = new QueueRebuild({ Ticket: d.Ticket, Agent: d.Agent, Customer: d.Customer, index: d.queueIndex });
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (!changes.status) return;
    const jobId = `close-${ticket._id}`;
    if (ticket.status === 'solved') {
      await this.d.queues.schedule('tickets', 'auto-close', { ticketId: String(ticket._id) }, { jobId, delay: this.d.autoCloseAfterMs, replace: true });
    } else {
      await this.d.queues.remove('tickets', jobId);
    }
  }

  async autoClose(ticketId: string): Promise<void> {
    const t = await this.d.tickets.byId(ticketId);
    if (!t || t.status !== 'solved' || !t.solvedAt) return;
    if (t.solvedAt.getTime() + this.d.autoCloseAfterMs > this.d.clock.now().getTime() + 1000) return; // reopened and solved again: a newer job will come
    await this.d.updates.update(t.number, { status: 'closed' }, null);
  }

  async sweep(): Promise<{ closed: number }> {
    const cutoff = new Date(this.d.clock.now().getTime() - this.d.autoCloseAfterMs);
    const due = await this.d.Ticket.find({ status: 'solved', solvedAt: { $lte: cutoff } }, { _id: 1 }).limit(500).lean();
    for (const t of due) await this.autoClose(String(t._id));
    return { closed: due.length };
  }

  /** Mends the live queue index from MongoDB without clearing it (queue-rebuild.ts). */
  async rebuildQueueIndex(): Promise<number> {
    return (await this.rebuild.run()).live;
  }

  async start(): Promise<void> {
    const q = this.d.queues.get('tickets');
    await q.upsertJobScheduler('tickets-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    await q.upsertJobScheduler('tickets-effects', { every: EFFECTS_EVERY_MS }, { name: 'effects', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    await q.add('rebuild-index', {}, { jobId: `rebuild-index-${Math.floor(Date.now() / 60000)}` });
    // a worker coming back re-drives what a crash left unfinished, without waiting a minute
    await q.add('effects', {}, { jobId: `effects-start-${Date.now()}`, removeOnComplete: true });
  }

  processors(): JobHandlers {
    return {
      tickets: {
        'auto-close': (job: Job) => this.autoClose(job.data.ticketId),
        sweep: () => this.sweep(),
        'rebuild-index': () => this.rebuildQueueIndex(),
        effects: () => this.d.events.redrive(),
      },
    };
  }
}
