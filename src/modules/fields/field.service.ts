import type { RedisClient } from '../../infra/redis';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../errors';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { GuardContext, TicketWriteGuard } from '../tickets/ticket.guard';
import type { FieldDoc, FieldModel, FieldTarget } from './field.model';
import type { FieldPayload } from './field.payloads';
import type { CreateFieldInput, UpdateFieldInput } from './field.schemas';
import { checkValues, missingOnSolve } from './field.values';

export function serializeField(f: FieldDoc | FieldPayload): FieldPayload {
  return {
    key: f.key,
    label: { en: f.label!.en, 'zh-CN': f.label!['zh-CN'] },
    type: f.type as FieldPayload['type'],
    options: (f.options ?? []).map((o) => ({ value: o.value, label: { en: o.label!.en, 'zh-CN': o.label!['zh-CN'] } })),
    required: !!f.required,
    scope: { types: [...(f.scope?.types ?? [])], teams: [...(f.scope?.teams ?? [])] },
    customerVisible: !!f.customerVisible,
    appliesTo: (f.appliesTo ?? 'ticket') as FieldTarget,
    order: f.order ?? 0,
    active: f.active !== false,
  };
}

export interface FieldServiceDeps {
  Field: FieldModel;
  teams: { exists(key: string): Promise<boolean> };
  redis: RedisClient;
  prefix: string;
}

/**
 * Custom fields: their definitions (cached in each process, reloaded when a manager changes one),
 * and the checks of every write that carries values — the ticket write guard, and the same check
 * for units. A value that does not fit is a 422 naming the field in `details`.
 */
export class FieldService implements TicketWriteGuard {
  private readonly cache: VersionedCache<FieldPayload[]>;

  constructor(private readonly d: FieldServiceDeps) {
    this.cache = new VersionedCache(d.redis, configVersionKey(d.prefix, 'custom-fields'), async () =>
      (await d.Field.find({}).sort({ order: 1, key: 1 }).limit(500)).map(serializeField),
    );
  }

  async list(appliesTo?: FieldTarget): Promise<FieldPayload[]> {
    const all = await this.cache.get();
    return appliesTo ? all.filter((f) => f.appliesTo === appliesTo) : all;
  }

  async get(key: string): Promise<FieldPayload | null> {
    return (await this.cache.get()).find((f) => f.key === key) ?? null;
  }

  private async defs(target: FieldTarget): Promise<Map<string, FieldPayload>> {
    return new Map((await this.list(target)).map((f) => [f.key, f]));
  }

  async create(input: CreateFieldInput): Promise<FieldPayload> {
    await this.checkTeams(input.scope?.teams);
    try {
      const doc = await this.d.Field.create({ ...input, options: input.options ?? [], scope: { types: input.scope?.types ?? [], teams: input.scope?.teams ?? [] } });
      await this.cache.invalidate();
      return serializeField(doc);
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`A field ${input.key} exists already`, 'duplicate_key');
      throw err;
    }
  }

  async update(key: string, patch: UpdateFieldInput): Promise<FieldPayload> {
    const doc = await this.d.Field.findOne({ key });
    if (!doc) throw new NotFoundError(`Field ${key}`);
    if (patch.type && patch.type !== doc.type) throw new ConflictError('The type of a field cannot change: its stored values would no longer fit', 'field_type_locked');
    const type = patch.type ?? doc.type;
    const options = patch.options ?? (doc.options as FieldPayload['options']);
    if (type === 'select' && !options.length) throw new ValidationError('Invalid body', [{ path: 'options', message: 'a select field needs options' }]);
    await this.checkTeams(patch.scope?.teams);
    const set: Record<string, unknown> = {};
    for (const k of ['label', 'required', 'customerVisible', 'appliesTo', 'order', 'active', 'options'] as const) if (patch[k] !== undefined) set[k] = patch[k];
    if (patch.scope) set.scope = { types: patch.scope.types ?? doc.scope?.types ?? [], teams: patch.scope.teams ?? doc.scope?.teams ?? [] };
    const updated = await this.d.Field.findOneAndUpdate({ key }, { $set: set }, { new: true });
    await this.cache.invalidate();
    return serializeField(updated!);
  }

  private async checkTeams(teams?: string[]): Promise<void> {
    for (const t of teams ?? []) if (!(await this.d.teams.exists(t))) throw new ValidationError(`Unknown team ${t}`, [{ path: 'scope.teams', message: `unknown team ${t}` }]);
  }

  /** Ticket writes: the stored forms of the values, or 422 `invalid_fields` naming every field that does not fit. */
  async fields(values: Record<string, unknown>, ctx: GuardContext): Promise<Record<string, unknown>> {
    const { values: out, issues } = checkValues(await this.defs('ticket'), values, ctx);
    if (issues.length) throw new UnprocessableError(`Invalid custom field ${issues.map((i) => i.field).join(', ')}: ${issues[0].message}`, 'invalid_fields', issues);
    return out;
  }

  /** Before a solve: 422 `fields_required` naming every required field without a value. */
  async solving(ctx: GuardContext): Promise<void> {
    const issues = missingOnSolve(await this.list('ticket'), ctx);
    if (issues.length) throw new UnprocessableError(`Fill in ${issues.map((i) => i.field).join(', ')} before solving the ticket`, 'fields_required', issues);
  }

  /** Unit writes (the units module): the same checks for fields that describe units. */
  async unitFields(values: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { values: out, issues } = checkValues(await this.defs('unit'), values, null);
    if (issues.length) throw new UnprocessableError(`Invalid custom field ${issues.map((i) => i.field).join(', ')}: ${issues[0].message}`, 'invalid_fields', issues);
    return out;
  }
}
