import type { RedisClient } from '../../infra/redis';
import { Types } from 'mongoose';
import { NotFoundError } from '../../errors';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { Principal } from '../auth/principal';
import type { RuleDoc, RuleModel } from './rule.model';
import type { Action, Conditions, RuleInput } from './rule.schemas';
import { validateRule, type ValidationSources } from './rule.validate';
import type { RuleEvent } from './rule.vocabulary';

/** A rule as the engine and the API read it. */
export interface RuleView {
  id: string;
  name: string;
  active: boolean;
  on: RuleEvent;
  conditions: Conditions;
  actions: Action[];
  order: number;
  rev: number;
  createdAt: string | null;
  updatedAt: string | null;
}

export function serializeRule(r: RuleDoc): RuleView {
  const c = (r.conditions ?? {}) as Partial<Conditions>;
  return {
    id: String(r._id),
    name: r.name,
    active: r.active,
    on: r.on as RuleEvent,
    conditions: { all: c.all ?? [], any: c.any ?? [], ...(c.since ? { since: c.since } : {}) },
    actions: (r.actions ?? []) as Action[],
    order: r.order,
    rev: r.rev,
    createdAt: (r as unknown as { createdAt?: Date }).createdAt?.toISOString() ?? null,
    updatedAt: (r as unknown as { updatedAt?: Date }).updatedAt?.toISOString() ?? null,
  };
}

export interface RuleServiceDeps {
  Rule: RuleModel;
  redis: RedisClient;
  prefix: string;
  validation: ValidationSources;
}

/**
 * The department's automation rules: stored in MongoDB, validated beyond their shape (fields,
 * teams, agents, webhooks exist; operators fit), and read by every process from a local copy that
 * reloads when any process changes a rule. `onChanged` tells the time rules to re-plan.
 */
export class RuleService {
  private readonly cache: VersionedCache<RuleView[]>;
  private readonly listeners: ((rule: RuleView, removed: boolean) => Promise<void>)[] = [];

  constructor(private readonly d: RuleServiceDeps) {
    this.cache = new VersionedCache(d.redis, configVersionKey(d.prefix, 'automation-rules'), async () =>
      (await d.Rule.find({ active: true }).sort({ order: 1, _id: 1 }).limit(1000)).map(serializeRule),
    );
  }

  onChanged(fn: (rule: RuleView, removed: boolean) => Promise<void>): void {
    this.listeners.push(fn);
  }

  /** The active rules of an event, in order. */
  async active(event?: RuleEvent): Promise<RuleView[]> {
    const all = await this.cache.get();
    return event ? all.filter((r) => r.on === event) : all;
  }

  async list(): Promise<RuleView[]> {
    return (await this.d.Rule.find({}).sort({ order: 1, _id: 1 }).limit(1000)).map(serializeRule);
  }

  async get(id: string): Promise<RuleView> {
    const r = Types.ObjectId.isValid(id) ? await this.d.Rule.findById(id) : null;
    if (!r) throw new NotFoundError('Rule');
    return serializeRule(r);
  }

  validate(input: RuleInput): Promise<void> {
    return validateRule(input, this.d.validation);
  }

  async create(input: RuleInput, principal: Principal): Promise<RuleView> {
    await this.validate(input);
    const doc = await this.d.Rule.create({ ...input, rev: 1, createdBy: principal.id, updatedBy: principal.id });
    return this.changed(serializeRule(doc), false);
  }

  async update(id: string, input: RuleInput, principal: Principal): Promise<RuleView> {
    await this.get(id);
    await this.validate(input);
    const doc = await this.d.Rule.findOneAndUpdate({ _id: id }, { $set: { ...input, updatedBy: principal.id }, $inc: { rev: 1 } }, { new: true });
    if (!doc) throw new NotFoundError('Rule');
    return this.changed(serializeRule(doc), false);
  }

  async remove(id: string): Promise<void> {
    const rule = await this.get(id);
    await this.d.Rule.deleteOne({ _id: id });
    await this.changed(rule, true);
  }

  private async changed(rule: RuleView, removed: boolean): Promise<RuleView> {
    await this.cache.invalidate();
    for (const fn of this.listeners) await fn(rule, removed);
    return rule;
  }
}
