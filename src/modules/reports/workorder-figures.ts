import type { Connection } from 'mongoose';
import type { GroupBy } from './report.schemas';

/** Counters of the work orders of one report group (see README.md beside this file). */
export interface WorkOrderAcc {
  workOrders: number;
  onSiteHit: number;
  onSiteBreached: number;
  firstVisitsFinished: number;
  firstVisitsFixed: number;
  revisits: number;
  engineerIds: string[];
}

export const emptyWorkOrderAcc = (): WorkOrderAcc => ({ workOrders: 0, onSiteHit: 0, onSiteBreached: 0, firstVisitsFinished: 0, firstVisitsFixed: 0, revisits: 0, engineerIds: [] });

/** The work order's dimension of each grouping: the ticket's channel, the work order's team, its engineer, its UTC creation day. */
const KEYS: Record<GroupBy, unknown> = {
  channel: { $ifNull: ['$ticketChannel', null] },
  team: '$team',
  agent: { $ifNull: ['$engineerId', null] },
  day: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt' } },
};

/**
 * Work orders raised in [from, to) that are not cancelled, of the visible teams (the work order's
 * team or its ticket's): on-site compliance (hit / hit + breached; an active target past its due
 * time counts as breached), first-visit fix (first visits completed and never revisited / first
 * visits finished), revisits (the seeds' 错单率: second and later work orders on a ticket or unit),
 * and the engineers who had them. One $group on the `workorders` collection.
 */
export async function workOrderGroups(conn: Connection, q: { from: Date; to: Date; groupBy: GroupBy }, teams: readonly string[] | undefined, now: Date): Promise<{ key: unknown; acc: WorkOrderAcc }[]> {
  const match: Record<string, unknown> = { createdAt: { $gte: q.from, $lt: q.to }, status: { $ne: 'cancelled' } };
  if (teams) match.$or = [{ team: { $in: [...teams] } }, { ticketTeam: { $in: [...teams] } }];
  const flag = (cond: unknown) => ({ $sum: { $cond: [cond, 1, 0] } });
  const status = '$sla.onSite.status';
  const rows = await conn
    .collection('workorders')
    .aggregate<{ _id: unknown; workOrders: number; onSiteHit: number; onSiteBreached: number; firstVisitsFinished: number; firstVisitsFixed: number; revisits: number; engineers: unknown[] }>([
      { $match: match },
      {
        $group: {
          _id: KEYS[q.groupBy],
          workOrders: { $sum: 1 },
          onSiteHit: flag({ $eq: [status, 'hit'] }),
          onSiteBreached: flag({ $or: [{ $eq: [status, 'breached'] }, { $and: [{ $eq: [status, 'active'] }, { $lt: ['$sla.onSite.dueAt', now] }] }] }),
          firstVisitsFinished: flag({ $and: [{ $eq: ['$visit', 1] }, { $in: ['$status', ['completed', 'cannot_complete']] }] }),
          firstVisitsFixed: flag({ $and: [{ $eq: ['$visit', 1] }, { $eq: ['$status', 'completed'] }, { $eq: [{ $ifNull: ['$revisitedBy', null] }, null] }] }),
          revisits: flag({ $gt: ['$visit', 1] }),
          engineers: { $addToSet: '$engineerId' },
        },
      },
    ])
    .toArray();
  return rows.map((r) => ({
    key: r._id,
    acc: { workOrders: r.workOrders, onSiteHit: r.onSiteHit, onSiteBreached: r.onSiteBreached, firstVisitsFinished: r.firstVisitsFinished, firstVisitsFixed: r.firstVisitsFixed, revisits: r.revisits, engineerIds: r.engineers.filter(Boolean).map(String) },
  }));
}
