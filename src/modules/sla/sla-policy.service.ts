import type { RedisClient } from '../../infra/redis';
import { SYSTEM, type Actor } from '../../core/types';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../audit/config-audit';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { CalendarService } from '../calendars/calendar.service';
import { addBusinessTime, targetMs } from '../calendars/business-time';
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
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
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

  async create(input: PolicyInput, actor: Actor = SYSTEM): Promise<SlaPolicyDoc> {
    await this.validate(input);
    try {
      const created = await this.Policy.create(this.fields(input));
      await this.active.invalidate();
      await this.audit.record(actor, { entity: 'sla_policy', key: String(created._id), action: 'created', after: serializePolicy(created) });
      return created;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`An SLA policy named ${input.name} exists`, 'duplicate');
      throw err;
    }
  }

  async update(id: string, input: PolicyInput, actor: Actor = SYSTEM): Promise<SlaPolicyDoc> {
    await this.validate(input);
    const p = await this.Policy.findById(id); // a fresh document: the cached ones are shared, never edited
    if (!p) throw new NotFoundError(`SLA policy ${id}`);
    const before = serializePolicy(p);
    p.set(this.fields(input));
    try {
      await p.save();
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`An SLA policy named ${input.name} exists`, 'duplicate');
      throw err;
    }
    await this.active.invalidate();
    await this.audit.record(actor, { entity: 'sla_policy', key: String(p._id), action: 'updated', before, after: serializePolicy(p) });
    for (const fn of this.listeners) await fn(String(p._id));
    return p;
  }

  /**
   * The policies in a new order (the settings page's drag or up/down): `ids` first to last, each
   * given order 10, 20, 30... Policies not named keep their place after them. New tickets match
   * in the new order; tickets that already have a policy keep it until their facts change.
   */
  async reorder(ids: string[], actor: Actor = SYSTEM): Promise<SlaPolicyDoc[]> {
    const all = await this.list();
    const known = new Set(all.map((p) => String(p._id)));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new ValidationError('Unknown SLA policies', unknown.map((id) => ({ path: 'ids', message: `no policy ${id}`, code: 'unknown_policy' })));
    if (new Set(ids).size !== ids.length) throw new ValidationError('A policy is named twice', [{ path: 'ids', message: 'each policy once', code: 'duplicate_id' }]);
    const rest = all.filter((p) => !ids.includes(String(p._id))).map((p) => String(p._id));
    const before = all.map((p) => ({ id: String(p._id), name: p.name, order: p.order }));
    const wanted = [...ids, ...rest];
    await this.Policy.bulkWrite(wanted.map((id, i) => ({ updateOne: { filter: { _id: id }, update: { $set: { order: (i + 1) * 10 } } } })));
    await this.active.invalidate();
    const after = await this.list();
    await this.audit.record(actor, { entity: 'sla_policy', key: 'order', action: 'reordered', before, after: after.map((p) => ({ id: String(p._id), name: p.name, order: p.order })) });
    return after;
  }

  /**
   * Which policy a ticket with these facts gets now, on which calendar, and when each target would
   * fall due if it were created at `at`: the settings page's preview, the same match as a real ticket.
   */
  async preview(facts: TicketFacts, at: Date): Promise<{ policy: { id: string; name: string } | null; calendar: string | null; due: Partial<Record<(typeof TARGETS)[number], string>> }> {
    const p = await this.match(facts);
    if (!p) return { policy: null, calendar: null, due: {} };
    const calendar = p.calendar ? await this.calendars.spec(p.calendar) : null;
    const due: Partial<Record<(typeof TARGETS)[number], string>> = {};
    for (const t of TARGETS) {
      const iso = p.targets?.[t];
      if (iso && t !== 'nextResponse') due[t] = addBusinessTime(calendar, at, targetMs(iso, calendar)).toISOString();
    }
    return { policy: { id: String(p._id), name: p.name }, calendar: p.calendar ?? null, due };
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
    if (input.calendar && !calendar) throw new ValidationError(`Unknown calendar ${input.calendar}`, [{ path: 'calendar', message: 'no such calendar', code: 'unknown_calendar' }]);
    for (const t of TARGETS) {
      const iso = input.targets[t];
      if (!iso) continue;
      try {
        targetMs(iso, calendar);
      } catch (err) {
        throw new ValidationError(`Invalid ${t} target`, [{ path: `targets.${t}`, message: (err as Error).message, code: 'invalid_duration' }]);
      }
    }
  }
}
