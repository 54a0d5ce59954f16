import { ConflictError, NotFoundError } from '../../errors';
import { DEFAULT_EXCHANGE_DAYS, DEFAULT_RETURN_DAYS, type ProductDoc, type ProductModel } from './product.model';
import type { CreateProductInput, ProductTermsInput, ProductView } from './product.schemas';

/** What the warranty rule needs of a model. */
export interface WarrantyTerms {
  warrantyMonths: number;
  returnDays: number;
  exchangeDays: number;
}

/** The product catalogue: models in en and zh-CN, their category, warranty and 三包 windows. */
export class ProductService {
  constructor(private readonly Product: ProductModel) {}

  list(opts: { includeInactive?: boolean } = {}): Promise<ProductDoc[]> {
    return this.Product.find(opts.includeInactive ? {} : { active: true }).sort({ model: 1 });
  }

  /** By the unique model code; null when the catalogue does not know it. */
  find(model: string): Promise<ProductDoc | null> {
    return this.Product.findOne({ model });
  }

  async get(model: string): Promise<ProductDoc> {
    const p = await this.find(model);
    if (!p) throw new NotFoundError(`Product ${model}`);
    return p;
  }

  /** Several models in one query (by the unique key), for lists of units. */
  async byModels(models: string[]): Promise<Map<string, ProductDoc>> {
    const unique = [...new Set(models)];
    const found = unique.length ? await this.Product.find({ model: { $in: unique } }) : [];
    return new Map(found.map((p) => [p.model, p]));
  }

  async create(input: CreateProductInput): Promise<ProductDoc> {
    try {
      return await this.Product.create(fields(input));
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`Product ${input.model} exists; change it with PUT /api/products/${encodeURIComponent(input.model)}`, 'duplicate_model');
      throw err;
    }
  }

  /** Replaces the terms of an existing model; omitted windows fall back to the defaults. */
  async replace(model: string, input: ProductTermsInput): Promise<ProductDoc> {
    const updated = await this.Product.findOneAndUpdate({ model }, { $set: fields(input) }, { new: true, runValidators: true });
    if (!updated) throw new NotFoundError(`Product ${model}`);
    return updated;
  }

  /**
   * The catalogue model a free-text product name of older records means: the exact code, a name
   * in either language, or a leading code followed by a description (`AC-3500 空调` → `AC-3500`).
   */
  async resolveModel(raw: string): Promise<string | null> {
    const text = raw.trim();
    if (!text) return null;
    const exact = await this.Product.findOne({ $or: [{ model: text }, { 'name.en': text }, { 'name.zh-CN': text }] }, { model: 1 }).lean();
    if (exact) return exact.model;
    const head = text.split(/\s+/)[0];
    if (head !== text) {
      const byHead = await this.Product.findOne({ model: head }, { model: 1 }).lean();
      if (byHead) return byHead.model;
    }
    return null;
  }
}

function fields(input: ProductTermsInput) {
  const returnDays = input.returnDays ?? DEFAULT_RETURN_DAYS;
  return {
    ...(input.model ? { model: input.model } : {}),
    name: input.name,
    category: input.category,
    warrantyMonths: input.warrantyMonths,
    returnDays,
    exchangeDays: Math.max(input.exchangeDays ?? DEFAULT_EXCHANGE_DAYS, returnDays),
    maintenance: input.maintenance ?? null,
    active: input.active ?? true,
  };
}

export function termsOf(p: Pick<ProductDoc, 'warrantyMonths' | 'returnDays' | 'exchangeDays'>): WarrantyTerms {
  return { warrantyMonths: p.warrantyMonths, returnDays: p.returnDays ?? DEFAULT_RETURN_DAYS, exchangeDays: p.exchangeDays ?? DEFAULT_EXCHANGE_DAYS };
}

export function serializeProduct(p: ProductDoc): ProductView {
  return {
    model: p.model,
    name: { en: p.name.en, 'zh-CN': p.name['zh-CN'] },
    category: p.category,
    warrantyMonths: p.warrantyMonths,
    returnDays: p.returnDays ?? DEFAULT_RETURN_DAYS,
    exchangeDays: p.exchangeDays ?? DEFAULT_EXCHANGE_DAYS,
    maintenance: p.maintenance ? { firstAfterMonths: p.maintenance.firstAfterMonths, everyMonths: p.maintenance.everyMonths } : null,
    active: p.active,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
