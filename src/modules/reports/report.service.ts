import type { Connection, PipelineStage, Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { TeamModel } from '../teams/team.model';
import type { TicketModel } from '../tickets/ticket.model';
import { average, median, percentile, ratio, toSec } from './report.figures';
import type { GroupBy, SummaryReport, SummaryRow } from './report.schemas';
import { emptyWorkOrderAcc, WorkOrderAcc, workOrderGroups } from './workorder-figures';

/**
 * Business time between two instants under a named calendar, in ms; `null` means 24x7. The
 * calendars module provides the real one; wall-clock time is the fallback.
 */
export type BusinessMs = (calendar: string | null, a: Date, b: Date) => number | Promise<number>;
export const wallClockMs: BusinessMs = (_calendar, a, b) => Math.max(0, b.getTime() - a.getTime());
/** Makes the business-time function of one report starting at `from` (calendars are read once per report, not once per ticket). */
export type BusinessTimeFactory = (from: Date) => BusinessMs;

export const UNASSIGNED = 'unassigned';
export const TOTAL = 'total';

/** Counters of one group, filled from the ticket, survey, callback, call and work order aggregations. */
interface Acc extends WorkOrderAcc {
  tickets: number;
  resolved: number;
  reopened: number;
  complaints: number;
  frHit: number;
  frBreached: number;
  rsHit: number;
  rsBreached: number;
  fr: number[];
  rs: number[];
  csatSum: number;
  csatCount: number;
  surveysOffered: number;
  followUps: number;
  followUpsDone: number;
  calls: number;
  callsFast: number;
}

const emptyAcc = (): Acc => ({ tickets: 0, resolved: 0, reopened: 0, complaints: 0, frHit: 0, frBreached: 0, rsHit: 0, rsBreached: 0, fr: [], rs: [], csatSum: 0, csatCount: 0, surveysOffered: 0, followUps: 0, followUpsDone: 0, calls: 0, callsFast: 0, ...emptyWorkOrderAcc() });

interface TicketGroup {
  /** the report's key, and the UTC day: one result document per key and day, never one per key */
  _id: { k: unknown; d: string };
  tickets: number;
  resolved: number;
  reopened: number;
  complaints: number;
  frHit: number;
  frBreached: number;
  rsHit: number;
  rsBreached: number;
  fr: (number | null)[];
  rs: (number | null)[];
  bh: ({ c: string; a: Date; f?: Date | null; s?: Date | null } | null)[];
  ids: Types.ObjectId[];
}

export interface ReportModels {
  Ticket: TicketModel;
  Agent: AgentModel;
  Team: TeamModel;
}

/**
 * The department's KPI summary. Which records count, and how, is written down in README.md next
 * to this file; in short: tickets created in [from, to) of the visible teams, grouped by the
 * ticket's channel, team, assignee or creation day (UTC); surveys and follow-ups are joined to
 * those tickets; calls count by their own start time and dimensions.
 */
export class ReportService {
  constructor(
    private readonly conn: Connection,
    private readonly models: ReportModels,
    private readonly clock: Clock,
    private readonly businessTime: BusinessTimeFactory = () => wallClockMs,
  ) {}

  async summary(q: { from: Date; to: Date; groupBy: GroupBy }, teams: readonly string[] | undefined): Promise<SummaryReport> {
    const now = this.clock.now();
    const groups = new Map<string, Acc>();
    const acc = (key: string) => {
      let a = groups.get(key);
      if (!a) groups.set(key, (a = emptyAcc()));
      return a;
    };
    const ticketKey = new Map<string, string>();
    const businessMs = this.businessTime(q.from);

    for (const g of await this.ticketGroups(q, teams, now)) {
      const key = keyOf(g._id.k);
      const a = acc(key);
      a.tickets += g.tickets;
      a.resolved += g.resolved;
      a.reopened += g.reopened;
      a.complaints += g.complaints;
      a.frHit += g.frHit;
      a.frBreached += g.frBreached;
      a.rsHit += g.rsHit;
      a.rsBreached += g.rsBreached;
      for (const v of g.fr) if (typeof v === 'number') a.fr.push(v);
      for (const v of g.rs) if (typeof v === 'number') a.rs.push(v);
      for (const b of g.bh) {
        if (!b) continue;
        if (b.f) a.fr.push(await businessMs(b.c, b.a, b.f));
        if (b.s) a.rs.push(await businessMs(b.c, b.a, b.s));
      }
      for (const id of g.ids) ticketKey.set(String(id), key);
    }
    if (ticketKey.size) {
      await this.joinSurveys(q.from, ticketKey, acc);
      await this.joinFollowUps(q.from, now, ticketKey, acc);
    }
    await this.callGroups(q, teams, acc);
    for (const g of await workOrderGroups(this.conn, q, teams, now)) {
      const a = acc(keyOf(g.key));
      for (const k of ['workOrders', 'onSiteHit', 'onSiteBreached', 'firstVisitsFinished', 'firstVisitsFixed', 'revisits'] as const) a[k] += g.acc[k];
      a.engineerIds.push(...g.acc.engineerIds);
    }

    const labels = await this.labels(q.groupBy, [...groups.keys()]);
    const rows = [...groups.entries()].map(([key, a]) => row(key, labels.get(key) ?? key, a));
    rows.sort((x, y) => (q.groupBy === 'agent' ? x.label.localeCompare(y.label) || x.key.localeCompare(y.key) : x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      groupBy: q.groupBy,
      generatedAt: now.toISOString(),
      groups: rows,
      totals: row(TOTAL, TOTAL, mergeAll([...groups.values()])),
    };
  }

  /** One $group over the tickets created in range: counters, and the durations to take medians of, per key and day. */
  private ticketGroups(q: { from: Date; to: Date; groupBy: GroupBy }, teams: readonly string[] | undefined, now: Date): Promise<TicketGroup[]> {
    const match: Record<string, unknown> = { createdAt: { $gte: q.from, $lt: q.to } };
    if (teams) match.team = { $in: [...teams] };
    const flag = (cond: unknown) => ({ $cond: [cond, 1, 0] });
    const status = (t: string) => `$sla.${t}.status`;
    // an active target past its due time is breached, whether or not the SLA timer has fired yet
    const breached = (t: string) => flag({ $or: [{ $eq: [status(t), 'breached'] }, { $and: [{ $eq: [status(t), 'active'] }, { $lt: [`$sla.${t}.dueAt`, now] }] }] });
    const hasCalendar = { $ifNull: ['$sla.calendar', false] };
    const since = (field: string) => ({ $cond: [{ $ifNull: [field, false] }, { $subtract: [field, '$createdAt'] }, null] });
    // One $group with the expressions inline: on mongo-java-server a $project stage before it
    // (a new document per ticket) made the pipeline ~1.5x slower (measured, 30 000 tickets).
    const pipeline: PipelineStage[] = [
      { $match: match },
      {
        $group: {
          // split by day as well: a group's pushed durations and ids would otherwise grow with the
          // range, and two years of one channel passed MongoDB's 16 MB document limit (a 500)
          _id: { k: TICKET_KEYS[q.groupBy], d: TICKET_KEYS.day },
          tickets: { $sum: 1 },
          resolved: { $sum: flag({ $or: [{ $eq: ['$status', 'solved'] }, { $eq: ['$status', 'closed'] }] }) },
          reopened: { $sum: flag({ $gt: [{ $ifNull: ['$reopenCount', 0] }, 0] }) },
          complaints: { $sum: flag({ $eq: ['$type', 'complaint'] }) },
          frHit: { $sum: flag({ $eq: [status('firstResponse'), 'hit'] }) },
          frBreached: { $sum: breached('firstResponse') },
          rsHit: { $sum: flag({ $eq: [status('resolution'), 'hit'] }) },
          rsBreached: { $sum: breached('resolution') },
          // wall-clock durations are computed by the server; business hours need the calendar, in Node
          fr: { $push: { $cond: [hasCalendar, null, since('$firstResponseAt')] } },
          rs: { $push: { $cond: [hasCalendar, null, since('$solvedAt')] } },
          bh: { $push: { $cond: [hasCalendar, { c: '$sla.calendar', a: '$createdAt', f: '$firstResponseAt', s: '$solvedAt' }, null] } },
          ids: { $push: '$_id' },
        },
      },
    ];
    return this.models.Ticket.aggregate<TicketGroup>(pipeline).allowDiskUse(true).exec();
  }

  /**
   * Surveys of the tickets in range. A survey is offered after its ticket was created, so only
   * surveys offered or answered since `from` can belong to them: the scan stays bounded by time.
   */
  private async joinSurveys(from: Date, ticketKey: Map<string, string>, acc: (k: string) => Acc): Promise<void> {
    const cursor = this.conn.collection('surveys').aggregate<{ ticketId: unknown; status: string; score?: number | null }>([
      { $match: { status: { $in: ['offered', 'answered', 'expired'] }, $or: [{ offeredAt: { $gte: from } }, { answeredAt: { $gte: from } }] } },
      { $project: { _id: 0, ticketId: 1, status: 1, score: 1 } },
    ]);
    for await (const s of cursor) {
      const key = ticketKey.get(String(s.ticketId));
      if (key === undefined) continue;
      const a = acc(key);
      a.surveysOffered += 1;
      if (s.status === 'answered' && typeof s.score === 'number') {
        a.csatCount += 1;
        a.csatSum += s.score;
      }
    }
  }

  /** Follow-up (回访) tasks of the tickets in range that have come due: done, failed, due, or scheduled and overdue. */
  private async joinFollowUps(from: Date, now: Date, ticketKey: Map<string, string>, acc: (k: string) => Acc): Promise<void> {
    const cursor = this.conn.collection('callbacks').aggregate<{ ticketId: unknown; status: string; dueAt?: Date | null }>([
      { $match: { kind: 'follow_up', status: { $ne: 'cancelled' }, $or: [{ createdAt: { $gte: from } }, { dueAt: { $gte: from } }] } },
      { $project: { _id: 0, ticketId: 1, status: 1, dueAt: 1 } },
    ]);
    for await (const c of cursor) {
      const key = ticketKey.get(String(c.ticketId));
      if (key === undefined) continue;
      if (c.status === 'scheduled' && !(c.dueAt && c.dueAt.getTime() <= now.getTime())) continue;
      const a = acc(key);
      a.followUps += 1;
      if (c.status === 'done') a.followUpsDone += 1;
    }
  }

  /** Hotline calls started in range (finished ones), by the call's own team, agent and day. */
  private async callGroups(q: { from: Date; to: Date; groupBy: GroupBy }, teams: readonly string[] | undefined, acc: (k: string) => Acc): Promise<void> {
    const match: Record<string, unknown> = { startedAt: { $gte: q.from, $lt: q.to }, status: { $in: ['answered', 'missed', 'voicemail', 'abandoned'] } };
    if (teams) match.team = { $in: [...teams] };
    const rows = await this.conn
      .collection('calls')
      .aggregate<{ _id: unknown; calls: number; fast: number }>([
        { $match: match },
        { $project: { k: CALL_KEYS[q.groupBy], fast: { $cond: [{ $and: [{ $eq: ['$status', 'answered'] }, { $lte: [{ $ifNull: ['$waitSec', 1e9] }, 30] }] }, 1, 0] } } },
        { $group: { _id: '$k', calls: { $sum: 1 }, fast: { $sum: '$fast' } } },
      ])
      .toArray();
    for (const r of rows) {
      const a = acc(q.groupBy === 'channel' ? 'voice' : keyOf(r._id));
      a.calls += r.calls;
      a.callsFast += r.fast;
    }
  }

  private async labels(groupBy: GroupBy, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (groupBy === 'agent') {
      const ids = keys.filter((k) => /^[0-9a-f]{24}$/.test(k));
      for (const a of await this.models.Agent.find({ _id: { $in: ids } }, { name: 1 }).lean()) out.set(String(a._id), a.name);
    } else if (groupBy === 'team') {
      for (const t of await this.models.Team.find({ key: { $in: keys } }, { key: 1, name: 1 }).lean()) out.set(t.key, t.name);
    }
    return out;
  }
}

/** The ticket's dimension of each grouping; `day` is the UTC calendar day of creation. */
const TICKET_KEYS: Record<GroupBy, unknown> = {
  channel: '$channel',
  team: '$team',
  agent: { $ifNull: ['$assigneeId', null] },
  day: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt' } },
};
const CALL_KEYS: Record<GroupBy, unknown> = {
  channel: null, // every call is the hotline: the 'voice' group
  team: '$team',
  agent: { $ifNull: ['$agentId', null] },
  day: { $dateToString: { format: '%Y-%m-%d', date: '$startedAt' } },
};

function keyOf(id: unknown): string {
  return id === null || id === undefined || id === '' ? UNASSIGNED : String(id);
}

function mergeAll(list: Acc[]): Acc {
  const t = emptyAcc();
  for (const a of list) {
    for (const k of Object.keys(t) as (keyof Acc)[]) {
      if (k === 'fr' || k === 'rs') for (const v of a[k]) t[k].push(v);
      else if (k === 'engineerIds') t.engineerIds.push(...a.engineerIds);
      else (t[k] as number) += a[k] as number;
    }
  }
  return t;
}

function row(key: string, label: string, a: Acc): SummaryRow {
  const slaFirst = ratio(a.frHit, a.frHit + a.frBreached);
  const slaResolution = ratio(a.rsHit, a.rsHit + a.rsBreached);
  return {
    key,
    label,
    tickets: a.tickets,
    firstResponseMedianSec: toSec(median(a.fr)),
    firstResponseP90Sec: toSec(percentile(a.fr, 90)),
    resolutionMedianSec: toSec(median(a.rs)),
    resolutionP90Sec: toSec(percentile(a.rs, 90)),
    resolved: a.resolved,
    resolutionRate: ratio(a.resolved, a.tickets),
    reopenRate: ratio(a.reopened, a.tickets),
    slaCompliance: ratio(a.frHit + a.rsHit, a.frHit + a.frBreached + a.rsHit + a.rsBreached),
    slaByTarget: { firstResponse: slaFirst, resolution: slaResolution },
    csatAverage: average(a.csatSum, a.csatCount),
    csatResponses: a.csatCount,
    csatResponseRate: ratio(a.csatCount, a.surveysOffered),
    complaints: a.complaints,
    complaintRate: ratio(a.complaints, a.tickets),
    followUps: a.followUps,
    followUpCompletion: ratio(a.followUpsDone, a.followUps),
    calls: a.calls,
    callsAnsweredWithin30s: ratio(a.callsFast, a.calls),
    workOrders: a.workOrders,
    onSiteCompliance: ratio(a.onSiteHit, a.onSiteHit + a.onSiteBreached),
    firstVisitFixRate: ratio(a.firstVisitsFixed, a.firstVisitsFinished),
    revisitRate: ratio(a.revisits, a.workOrders),
    engineers: new Set(a.engineerIds).size,
    workOrdersPerEngineer: average(a.workOrders, new Set(a.engineerIds).size),
  };
}

/** A summary row flattened for CSV (the per-target SLA figures become two columns). */
export function csvRow(r: SummaryRow): Record<string, unknown> {
  const { slaByTarget, ...rest } = r;
  return { ...rest, slaFirstResponse: slaByTarget.firstResponse, slaResolution: slaByTarget.resolution };
}
