import { DateTime } from 'luxon';
import type { Types } from 'mongoose';
import { LookupRows } from '../../infra/lookup-rows';
import { FINAL, WoStatus } from './workorder-state';

/** What the rows of a work order depend on. */
export interface Indexed {
  team: string;
  ticketNumber: number;
  unitId?: string | null;
  engineerId?: unknown;
  status: string;
  window?: { start?: Date | null; end?: Date | null } | null;
}

const MAX_DAYS = 7;

/** Local dates (YYYY-MM-DD in the team's zone) a window touches, at most a week. */
export function daysOf(window: Indexed['window'], timeZone: string): string[] {
  if (!window?.start || !window.end) return [];
  const out: string[] = [];
  let d = DateTime.fromJSDate(window.start, { zone: timeZone }).startOf('day');
  const end = window.end.getTime();
  for (let i = 0; i < MAX_DAYS && d.toMillis() < end; i++, d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

export const keys = {
  day: (team: string, date: string) => `day:${team}:${date}`,
  pool: (team: string) => `pool:${team}`,
  ticket: (number: number) => `ticket:${number}`,
  unit: (unitId: string) => `unit:${unitId}`,
  open: (engineerId: string) => `open:${engineerId}`,
};

/** Every row a work order belongs in. */
export function keysOf(wo: Indexed, timeZone: string): string[] {
  const out = [keys.ticket(wo.ticketNumber), ...daysOf(wo.window, timeZone).map((d) => keys.day(wo.team, d))];
  if (wo.unitId) out.push(keys.unit(wo.unitId));
  const final = FINAL.includes(wo.status as WoStatus);
  if (!wo.engineerId && (wo.status === 'new' || wo.status === 'scheduled')) out.push(keys.pool(wo.team));
  if (wo.engineerId && !final) out.push(keys.open(String(wo.engineerId)));
  return out;
}

/**
 * The work orders' lookup rows (src/infra/lookup-rows.ts): the board reads a team's day and pool,
 * the phone an engineer's open work orders and days, the ticket its work orders, each by one row's
 * `_id` instead of a scan. Rows are added before the write and pruned after it, so a crash leaves at
 * most an id that the reader's own filter drops.
 */
export class WorkOrderIndex {
  constructor(
    private readonly rows: LookupRows,
    private readonly timeZoneOf: (team: string) => Promise<string>,
  ) {}

  async keysOf(wo: Indexed): Promise<string[]> {
    return keysOf(wo, await this.timeZoneOf(wo.team));
  }

  /** Before a write: the rows the work order will be in. */
  async prepare(id: Types.ObjectId, before: Indexed | null, after: Indexed): Promise<{ stale: string[] }> {
    const now = await this.keysOf(after);
    const was = before ? await this.keysOf(before) : [];
    for (const k of now) if (!was.includes(k)) await this.rows.add(k, id);
    return { stale: was.filter((k) => !now.includes(k)) };
  }

  /** After the write: the rows it left. */
  async prune(id: Types.ObjectId, stale: string[]): Promise<void> {
    if (stale.length) await this.rows.remove(id, stale);
  }

  /** The team's local dates from `from` to `to` (at most a week). */
  async daysIn(team: string, from: Date, to: Date): Promise<string[]> {
    return daysOf({ start: from, end: to }, await this.timeZoneOf(team));
  }

  ids(list: string[]): Promise<Types.ObjectId[]> {
    return this.rows.ids(list);
  }
}
