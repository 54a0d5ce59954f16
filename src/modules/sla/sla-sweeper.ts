import type { Clock } from '../../infra/clock';
import type { TimerEntry, TimerSet } from '../../infra/timer-set';
import type { TicketModel } from '../tickets/ticket.model';
import { LIVE_STATUSES } from '../tickets/ticket.types';

/** how often the sweeper also rebuilds the timer set from MongoDB (the repair of a lost entry; at once after Redis was lost) */
const REPAIR_EVERY_MS = 30 * 60_000;
/** an entry this long past its due time and not claimed: no timer loop took it (none running, or all stuck), the sweeper does */
const STUCK_MS = 10_000;

export interface SlaSweeperDeps {
  Ticket: TicketModel;
  due: TimerSet;
  clock: Clock;
  /** how long a claim holds a ticket (the sweeper's claims of stuck entries hold it as long as a timer loop's) */
  timerLeaseMs: number;
  /** the timers' evaluation of one ticket */
  check: (ticketId: string) => Promise<unknown>;
}

/** Repairs what the SLA timers may have missed (the `sweep` job, every 30 s). */
export class SlaSweeper {
  constructor(private readonly d: SlaSweeperDeps) {}

  /**
   * Once per REPAIR_EVERY_MS across processes (and at once when Redis lost the set) the timer set
   * is rebuilt from MongoDB — one pass over the live tickets with a check to come; a re-created
   * entry already overdue is checked here. Then any entry STUCK_MS past due that no timer loop
   * claimed is claimed and checked, as a loop would.
   */
  async sweep(): Promise<{ fired: number; repaired: number }> {
    const { due } = this.d;
    const now = this.d.clock.now().getTime();
    const { repaired, overdue } = (await due.repairDue(REPAIR_EVERY_MS)) ? await this.repair(now) : { repaired: 0, overdue: [] };
    const { ids: stuck } = await due.claim(now - STUCK_MS, 1000, now + this.d.timerLeaseMs);
    const ids = [...new Set([...overdue, ...stuck])];
    for (const id of ids) await this.d.check(id);
    return { fired: ids.length, repaired };
  }

  /** Rebuilds the timer set from MongoDB; returns how many entries were missing or older, and those of them already due. */
  private async repair(now: number): Promise<{ repaired: number; overdue: string[] }> {
    const { Ticket, due } = this.d;
    const query = { 'sla.nextCheckAt': { $ne: null }, status: { $in: [...LIVE_STATUSES] } };
    let repaired = 0;
    const overdue: string[] = [];
    let batch: TimerEntry[] = [];
    const flush = async () => {
      const applied = await due.repairMany(batch);
      repaired += applied.length;
      for (const [id, at] of applied) if (Number(at) <= now) overdue.push(id);
      batch = [];
    };
    for await (const t of Ticket.find(query, { _id: 1, 'sla.nextCheckAt': 1, 'sla.rev': 1 }).lean().cursor()) {
      batch.push([String(t._id), t.sla!.nextCheckAt!.getTime(), t.sla!.rev ?? 0]);
      if (batch.length >= 500) await flush();
    }
    await flush();
    return { repaired, overdue };
  }
}
