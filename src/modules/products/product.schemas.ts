import { z } from 'zod';
import type { ProductPayload } from './product.payloads';

export const modelCode = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._+-]*$/u, 'must be a model code such as AC-3500');

const localized = z.strictObject({ en: z.string().trim().min(1).max(200), 'zh-CN': z.string().trim().min(1).max(200) });

const maintenance = z.strictObject({ firstAfterMonths: z.number().int().min(1).max(120), everyMonths: z.number().int().min(1).max(120) });

const terms = {
  name: localized,
  category: z.string().trim().min(1).max(100),
  warrantyMonths: z.number().int().min(0).max(240),
  returnDays: z.number().int().min(0).max(365).optional(),
  exchangeDays: z.number().int().min(0).max(365).optional(),
  maintenance: maintenance.nullable().optional(),
  active: z.boolean().optional(),
};

const windowsInOrder = (b: { returnDays?: number; exchangeDays?: number }) => b.returnDays === undefined || b.exchangeDays === undefined || b.returnDays <= b.exchangeDays;
const windowsMessage = { message: 'returnDays cannot be longer than exchangeDays', path: ['returnDays'] };

export const createProductBody = z.strictObject({ model: modelCode, ...terms }).refine(windowsInOrder, windowsMessage);
/** the whole record as GET shows it may be sent back; `model`, when present, must be the path's */
export const putProductBody = z.strictObject({ model: modelCode.optional(), ...terms }).refine(windowsInOrder, windowsMessage);
export const productParams = z.strictObject({ model: modelCode });
export const listProductsQuery = z.strictObject({ includeInactive: z.enum(['true', 'false']).optional() });

export const productView = z.object({
  model: z.string(),
  name: z.object({ en: z.string(), 'zh-CN': z.string() }),
  category: z.string(),
  warrantyMonths: z.number(),
  returnDays: z.number(),
  exchangeDays: z.number(),
  maintenance: maintenance.nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ProductPayload>;

export type CreateProductInput = z.output<typeof createProductBody>;
export type ProductTermsInput = z.output<typeof putProductBody>;
/** the console reads the same shape from the leaf product.payloads.ts */
export type ProductView = z.infer<typeof productView>;
