import type { RedisClient } from '../../infra/redis';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { CalendarService } from '../calendars/calendar.service';
import { targetMs } from '../calendars/business-time';
import type { SlaPolicyDoc, SlaPolicyModel } from './sla-policy.model';
import type { PolicyInput } from './sla.schemas';
import { TARGETS } from './sla-state';

export interface TicketFacts {
  priority: string;
  type: string;
  channel: string;
  team: string;
}

/** Called after a policy changed (live SLA deadlines under it move). */
export type PolicyChanged = (policyId: string) => Promise<void>;

export function serializePolicy(p: SlaPolicyDoc) {
  const match = Object.fromEntries(Object.entries(p.match ?? {}).filter(([, v]) => v != null));
  const targets = Object.fromEntries(TARGETS.map((t) => [t, p.targets?.[t] ?? null]).filter(([, v]) => v));
  return { id: String(p._id), name: p.name, order: p.order, match, targets, calendar: p.calendar ?? null, escalateOnCreate: p.escalateOnCreate ?? 0, active: p.active };
}

/** SLA policies: ordered, the first active one whose every given criterion matches applies. */
export class SlaPolicyService {
  private readonly listeners: PolicyChanged[] = [];
  /** every ticket event matches policies: they are read from a cache, not from MongoDB each time */
  private readonly active: VersionedCache<SlaPolicyDoc[]>;

  constructor(
    private readonly Policy: SlaPolicyModel,
    private readonly calendars: CalendarService,
    redis: RedisClient,
    prefix: string,
  ) {
    this.active = new VersionedCache(redis, configVersionKey(prefix, 'sla-policies'), () => this.Policy.find({ active: true }).sort({ order: 1, _id: 1 }));
  }

  onChanged(fn: PolicyChanged): void {
    this.listeners.push(fn);
  }

  list(): Promise<SlaPolicyDoc[]> {
    return this.Policy.find({}).sort({ order: 1, _id: 1 });
  }

  async get(id: string): Promise<SlaPolicyDoc> {
    const cached = (await this.active.get()).find((p) => String(p._id) === id);
    if (cached) return cached;
    const p = await this.Policy.findById(id);
    if (!p) throw new NotFoundError(`SLA policy ${id}`);
    return p;
  }

  async match(t: TicketFacts): Promise<SlaPolicyDoc | null> {
    const all = await this.active.get();
    return all.find((p) => (['priority', 'type', 'channel', 'team'] as const).every((k) => !p.match?.[k] || p.match[k] === t[k])) ?? null;
  }

  async create(input: PolicyInput): Promise<SlaPolicyDoc> {
    await this.validate(input);
    try {
      const created = await this.Policy.create(this.fields(input));
      await this.active.invalidate();
      return created;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`An SLA policy named ${input.name} exists`, 'duplicate');
      throw err;
    }
  }

  async update(id: string, input: PolicyInput): Promise<SlaPolicyDoc> {
    await this.validate(input);
    const p = await this.Policy.findById(id); // a fresh document: the cached ones are shared, never edited
    if (!p) throw new NotFoundError(`SLA policy ${id}`);
    p.set(this.fields(input));
    try {
      await p.save();
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`An SLA policy named ${input.name} exists`, 'duplicate');
      throw err;
    }
    await this.active.invalidate();
    for (const fn of this.listeners) await fn(String(p._id));
    return p;
  }

  private fields(input: PolicyInput) {
    return {
      name: input.name,
      order: input.order,
      match: { priority: input.match.priority ?? null, type: input.match.type ?? null, channel: input.match.channel ?? null, team: input.match.team ?? null },
      targets: { firstResponse: input.targets.firstResponse ?? null, nextResponse: input.targets.nextResponse ?? null, resolution: input.targets.resolution ?? null },
      calendar: input.calendar ?? null,
      escalateOnCreate: input.escalateOnCreate ?? 0,
      active: input.active ?? true,
    };
  }

  private async validate(input: PolicyInput): Promise<void> {
    const calendar = input.calendar ? await this.calendars.spec(input.calendar) : null;
    if (input.calendar && !calendar) throw new ValidationError(`Unknown calendar ${input.calendar}`, [{ path: 'calendar', message: 'no such calendar' }]);
    for (const t of TARGETS) {
      const iso = input.targets[t];
      if (!iso) continue;
      try {
        targetMs(iso, calendar);
      } catch (err) {
        throw new ValidationError(`Invalid ${t} target`, [{ path: `targets.${t}`, message: (err as Error).message }]);
      }
    }
  }
}
