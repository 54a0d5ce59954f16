import { ConflictError, NotFoundError } from '../../errors';
import type { PartDoc, PartModel } from './parts.model';
import type { PartView } from './parts.schemas';

export interface PartInput {
  sku?: string;
  name: { en: string; 'zh-CN': string };
  models: string[];
  price: number;
  unit?: string | null;
  returnable?: boolean;
  active?: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The parts catalogue (备件): sku, names in en and zh-CN, the models a part fits, its price in fen. */
export class PartService {
  constructor(private readonly Part: PartModel) {}

  /** Search by sku, a name in either language, or a model it fits. */
  list(f: { model?: string; q?: string; limit: number }): Promise<PartDoc[]> {
    const filter: Record<string, unknown> = { active: true };
    if (f.model) filter.models = f.model;
    if (f.q) {
      const re = new RegExp(escape(f.q), 'i');
      filter.$or = [{ sku: re }, { 'name.en': re }, { 'name.zh-CN': re }, { models: re }];
    }
    return this.Part.find(filter).sort({ sku: 1 }).limit(f.limit);
  }

  find(sku: string): Promise<PartDoc | null> {
    return this.Part.findOne({ sku });
  }

  async get(sku: string): Promise<PartDoc> {
    const p = await this.find(sku);
    if (!p) throw new NotFoundError(`Part ${sku}`);
    return p;
  }

  async bySkus(skus: string[]): Promise<Map<string, PartDoc>> {
    const unique = [...new Set(skus)];
    const found = unique.length ? await this.Part.find({ sku: { $in: unique } }) : [];
    return new Map(found.map((p) => [p.sku, p]));
  }

  async create(input: PartInput & { sku: string }): Promise<PartDoc> {
    try {
      return await this.Part.create({ ...fields(input), sku: input.sku });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`Part ${input.sku} exists; change it with PUT /api/parts/${encodeURIComponent(input.sku)}`, 'duplicate');
      throw err;
    }
  }

  async replace(sku: string, input: PartInput): Promise<PartDoc> {
    const updated = await this.Part.findOneAndUpdate({ sku }, { $set: fields(input) }, { new: true, runValidators: true });
    if (!updated) throw new NotFoundError(`Part ${sku}`);
    return updated;
  }
}

function fields(i: PartInput) {
  return { name: i.name, models: [...new Set(i.models)], price: i.price, currency: 'CNY' as const, unit: i.unit ?? null, returnable: i.returnable ?? true, active: i.active ?? true };
}

export function serializePart(p: PartDoc): PartView {
  return { sku: p.sku, name: { en: p.name.en, 'zh-CN': p.name['zh-CN'] }, models: [...p.models], price: p.price, currency: 'CNY', unit: p.unit ?? null, returnable: p.returnable !== false, active: p.active !== false };
}
