import { Connection, HydratedDocument, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';
import type { ProductPayload } from './product.payloads';

/** The default three-guarantees (三包) windows: return within 7 days, exchange within 15. */
export const DEFAULT_RETURN_DAYS = 7;
export const DEFAULT_EXCHANGE_DAYS = 15;

export function productSchema(clock: Clock) {
  return new Schema(
    {
      /** the model code customers and serial plates carry, e.g. `AC-3500`; the catalogue's key */
      model: { type: String, required: true, unique: true, maxlength: 100 },
      name: {
        en: { type: String, required: true, maxlength: 200 },
        'zh-CN': { type: String, required: true, maxlength: 200 },
      },
      category: { type: String, required: true, maxlength: 100 },
      warrantyMonths: { type: Number, required: true, min: 0, max: 240 },
      returnDays: { type: Number, default: DEFAULT_RETURN_DAYS, min: 0, max: 365 },
      exchangeDays: { type: Number, default: DEFAULT_EXCHANGE_DAYS, min: 0, max: 365 },
      maintenance: {
        type: new Schema({ firstAfterMonths: { type: Number, required: true }, everyMonths: { type: Number, required: true } }, { _id: false }),
        default: null,
      },
      active: { type: Boolean, default: true },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

/** A catalogue entry as stored: the wire shape of product.payloads.ts with real dates. */
export interface ProductFields extends Omit<ProductPayload, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}
export type ProductDoc = HydratedDocument<ProductFields>;
export type ProductModel = Model<ProductFields>;

export function productModel(conn: Connection, clock: Clock): ProductModel {
  return modelOnce<ProductModel>(conn, 'Product', () => productSchema(clock).index({ active: 1 })); // the catalogue's active models (the portal's sweep)
}
