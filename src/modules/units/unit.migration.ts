import type { Types } from 'mongoose';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { CounterModel } from '../counters/counter.model';
import type { CustomerModel } from '../customers/customer.model';
import type { ProductService } from '../products/product.service';
import { SYSTEM } from '../../core/types';
import type { UnitService } from './unit.service';

const MARKER = 'migration:customer-products-to-units';

export interface MigrationDeps {
  Customer: CustomerModel;
  Counter: CounterModel;
  units: UnitService;
  products: ProductService;
  log: Logger;
}

/**
 * One-off, idempotent: every `customer.products[]` entry of older records (model, serial,
 * purchaseDate, warrantyExpires) becomes a unit of that customer, and leaves the customer record
 * once its unit exists. Each unit's origin key is the product's id, so a second run (another API
 * process starting at the same time, a crash half-way) registers nothing twice. A finished run
 * leaves a marker, so later starts do not read the customers again. The free-text model is mapped
 * to the catalogue where it can be (`AC-3500 空调` → `AC-3500`); the old `warrantyExpires` is kept
 * as the unit's explicit last warranty day. A product without a serial gets `LEGACY-<its id>`.
 */
export async function migrateCustomerProducts(d: MigrationDeps): Promise<{ skipped: boolean; units: number; kept: number }> {
  if (await d.Counter.exists({ _id: MARKER })) return { skipped: true, units: 0, kept: 0 };
  let units = 0;
  let kept = 0;
  const customers = d.Customer.find({ 'products.0': { $exists: true }, mergedInto: null }).cursor();
  for await (const c of customers) {
    const moved: Types.ObjectId[] = [];
    for (const p of c.products) {
      const model = (await d.products.resolveModel(p.model)) ?? p.model.trim();
      const serial = p.serial?.trim() || `LEGACY-${String(p._id)}`;
      try {
        await d.units.register(
          c._id,
          { model, serial, purchaseDate: p.purchaseDate ?? null, warrantyUntil: p.warrantyExpires ?? null },
          SYSTEM,
          { originKey: `legacy:${String(p._id)}`, allowUnknownModel: true, history: { action: 'migrated', changes: { from: p.model } } },
        );
        moved.push(p._id);
        units++;
      } catch (err) {
        // e.g. the same serial registered on another customer: the product stays on its record, nothing is lost
        if (!(err instanceof AppError)) throw err;
        kept++;
        d.log.warn({ customer: String(c._id), product: String(p._id), code: err.code }, 'customer product not migrated to a unit');
      }
    }
    if (moved.length) await d.Customer.updateOne({ _id: c._id }, { $pull: { products: { _id: { $in: moved } } } });
  }
  try {
    await d.Counter.create({ _id: MARKER, seq: 1 });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
  }
  if (units || kept) d.log.info({ units, kept }, 'customer products migrated to units');
  return { skipped: false, units, kept };
}
