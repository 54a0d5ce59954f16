import type { RedisClient } from '../../infra/redis';
import { SYSTEM, type Actor } from '../../core/types';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../audit/config-audit';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { TeamModel } from '../teams/team.model';
import { CalendarSpec, calendarProblems, nextOpening } from './business-time';
import type { CalendarDoc, CalendarModel } from './calendar.model';

export interface CalendarInput extends CalendarSpec {
  name: string;
}

/** Called after a calendar changed, with its previous hours (live SLA deadlines move). */
export type CalendarChanged = (name: string, before: CalendarSpec) => Promise<void>;

export function toSpec(c: CalendarDoc | CalendarInput): CalendarSpec {
  return {
    timeZone: c.timeZone,
    weekly: c.weekly.map((w) => ({ day: Number(w.day), from: String(w.from), to: String(w.to) })),
    holidays: (c.holidays ?? []).map((h) => ({ date: String(h.date), ...(h.name ? { name: String(h.name) } : {}) })),
    workdays: (c.workdays ?? []).map((w) => ({ date: String(w.date), ...(w.like ? { like: Number(w.like) } : {}), ...(w.name ? { name: String(w.name) } : {}) })),
  };
}

export function serializeCalendar(c: CalendarDoc) {
  return { id: String(c._id), name: c.name, ...toSpec(c), updatedAt: (c as unknown as { updatedAt: Date }).updatedAt };
}

/** Business-hours calendars: stored by name, read fresh (edits must reach every process at once). */
export class CalendarService {
  private readonly listeners: CalendarChanged[] = [];

  /** SLA clocks read calendars on every ticket event: from a cache, not from MongoDB each time */
  private readonly specs: VersionedCache<Map<string, CalendarSpec>>;

  constructor(
    private readonly Calendar: CalendarModel,
    redis: RedisClient,
    prefix: string,
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
  ) {
    this.specs = new VersionedCache(redis, configVersionKey(prefix, 'calendars'), async () => {
      const all = await this.Calendar.find({}).lean();
      return new Map(all.map((c) => [c.name as string, toSpec(c as unknown as CalendarDoc)]));
    });
  }

  onChanged(fn: CalendarChanged): void {
    this.listeners.push(fn);
  }

  list(): Promise<CalendarDoc[]> {
    return this.Calendar.find({}).sort({ name: 1 });
  }

  async get(name: string): Promise<CalendarDoc> {
    const c = await this.Calendar.findOne({ name });
    if (!c) throw new NotFoundError(`Calendar ${name}`);
    return c;
  }

  async exists(name: string): Promise<boolean> {
    return !!(await this.Calendar.exists({ name }));
  }

  /** The hours of a calendar by name; null (around the clock) for no name or an unknown one. */
  async spec(name: string | null | undefined): Promise<CalendarSpec | null> {
    if (!name) return null;
    return (await this.specs.get()).get(name) ?? null;
  }

  async create(input: CalendarInput, actor: Actor = SYSTEM): Promise<CalendarDoc> {
    this.validate(input);
    try {
      const created = await this.Calendar.create(input);
      await this.specs.invalidate();
      await this.audit.record(actor, { entity: 'calendar', key: created.name, action: 'created', after: toSpec(created) });
      return created;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`Calendar ${input.name} exists`, 'duplicate');
      throw err;
    }
  }

  async update(name: string, input: CalendarSpec, actor: Actor = SYSTEM): Promise<CalendarDoc> {
    this.validate(input);
    const c = await this.get(name);
    const before = toSpec(c);
    c.set({ timeZone: input.timeZone, weekly: input.weekly, holidays: input.holidays ?? [], workdays: input.workdays ?? [] });
    await c.save();
    await this.specs.invalidate();
    await this.audit.record(actor, { entity: 'calendar', key: name, action: 'updated', before, after: toSpec(c) });
    for (const fn of this.listeners) await fn(name, before);
    return c;
  }

  private validate(spec: CalendarSpec): void {
    const problems = calendarProblems(spec);
    if (problems.length) throw new ValidationError('Invalid calendar', problems);
  }
}

/**
 * "When is this team open next?" for the callback scheduler: team → its calendar → the next
 * opening. A team without a calendar is open around the clock.
 */
export class TeamHours {
  constructor(
    private readonly Team: TeamModel,
    private readonly calendars: CalendarService,
  ) {}

  async nextOpening(team: string, at: Date): Promise<Date> {
    const t = await this.Team.findOne({ key: team }, { calendar: 1 }).lean();
    return nextOpening(await this.calendars.spec(t?.calendar), at);
  }
}
