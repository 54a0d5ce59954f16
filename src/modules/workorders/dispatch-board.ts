import { DateTime } from 'luxon';
import { ForbiddenError, ValidationError } from '../../errors';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import { CalendarSpec, isOpen } from '../calendars/business-time';
import type { TeamModel } from '../teams/team.model';
import type { Types } from 'mongoose';
import { keys } from './workorders.index';
import type { WorkOrderModel } from './workorders.model';
import { engineerNames, serializeWorkOrder } from './workorders.serialize';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const STEP_MIN = 15;

export interface BoardDeps {
  WorkOrder: WorkOrderModel;
  Agent: AgentModel;
  Team: TeamModel;
  calendars: { spec(name: string | null | undefined): Promise<CalendarSpec | null> };
  index: { ids(keys: string[]): Promise<Types.ObjectId[]> };
}

/** The opening hours of one local day as instants (quarter-hour resolution), merged into intervals. */
export function openingsOf(calendar: CalendarSpec | null, dayStart: Date, dayEnd: Date): { start: string; end: string }[] {
  if (!calendar) return [{ start: dayStart.toISOString(), end: dayEnd.toISOString() }];
  const out: { start: string; end: string }[] = [];
  let open: number | null = null;
  for (let t = dayStart.getTime(); t <= dayEnd.getTime(); t += STEP_MIN * 60_000) {
    const o = t < dayEnd.getTime() && isOpen(calendar, new Date(t));
    if (o && open === null) open = t;
    if (!o && open !== null) {
      out.push({ start: new Date(open).toISOString(), end: new Date(t).toISOString() });
      open = null;
    }
  }
  return out;
}

/** A team's business hours and time zone (its calendar's; Asia/Shanghai for a team without one). */
export class TeamTimeZones {
  constructor(
    private readonly Team: TeamModel,
    private readonly calendars: { spec(name: string | null | undefined): Promise<CalendarSpec | null> },
  ) {}

  async hours(team: string): Promise<{ timeZone: string; calendar: CalendarSpec | null }> {
    const t = await this.Team.findOne({ key: team }, { calendar: 1 }).lean();
    const calendar = await this.calendars.spec(t?.calendar);
    return { timeZone: calendar?.timeZone ?? DEFAULT_TIME_ZONE, calendar };
  }

  async of(team: string): Promise<string> {
    return (await this.hours(team)).timeZone;
  }
}

/**
 * The dispatch board of one team and local day: its engineers (rows) with the work orders whose
 * window falls on the day, the unassigned pool, and the team's business hours of that day (the
 * console warns of windows outside them and of overlaps).
 */
export class DispatchBoard {
  constructor(private readonly d: BoardDeps) {}

  async board(date: string, team: string, p: Principal) {
    if (!p.seesAllTeams && !p.teams.includes(team)) throw new ForbiddenError(`You do not work in team ${team}`);
    const { timeZone, calendar } = await new TeamTimeZones(this.d.Team, this.d.calendars).hours(team);
    const day = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
    if (!day.isValid) throw new ValidationError('date must be YYYY-MM-DD', [{ path: 'date', message: 'a date' }]);
    const dayStart = day.toJSDate();
    const dayEnd = day.plus({ days: 1 }).toJSDate();
    // the day's and the pool's work orders by their lookup rows (no scan), re-checked by the filters
    const [dayIds, poolIds] = await Promise.all([this.d.index.ids([keys.day(team, day.toISODate()!)]), this.d.index.ids([keys.pool(team)])]);
    const [engineers, planned, pool] = await Promise.all([
      this.d.Agent.find({ role: 'engineer', teams: team, active: true }, { name: 1, presence: 1, phone: 1 }).sort({ name: 1 }).lean(),
      dayIds.length ? this.d.WorkOrder.find({ _id: { $in: dayIds }, team, engineerId: { $ne: null }, status: { $ne: 'cancelled' }, 'window.start': { $lt: dayEnd }, 'window.end': { $gt: dayStart } }).sort({ 'window.start': 1 }).limit(1000) : [],
      poolIds.length ? this.d.WorkOrder.find({ _id: { $in: poolIds }, team, engineerId: null, status: { $in: ['new', 'scheduled'] } }).sort({ emergency: -1, createdAt: 1 }).limit(200) : [],
    ]);
    const names = await engineerNames([...planned, ...pool], this.d.Agent);
    const views = planned.map((w) => serializeWorkOrder(w, names));
    return {
      date: day.toISODate()!,
      team,
      timeZone,
      dayStart: dayStart.toISOString(),
      dayEnd: dayEnd.toISOString(),
      hours: openingsOf(calendar, dayStart, dayEnd),
      engineers: engineers.map((e) => ({
        id: String(e._id),
        name: e.name,
        phone: e.phone ?? null,
        presence: e.presence?.status ?? 'offline',
        workOrders: views.filter((v) => v.engineer?.id === String(e._id)),
      })),
      unassigned: pool.map((w) => serializeWorkOrder(w, names)),
    };
  }
}
