import { z } from 'zod';
import { TYPES } from '../tickets/ticket.types';
import { fieldKey } from '../tickets/ticket.schemas';
import { FIELD_TARGETS, FIELD_TYPES } from './field.model';

const label = z.strictObject({ en: z.string().trim().min(1).max(80), 'zh-CN': z.string().trim().min(1).max(80) });
/** An option: its stored value, with labels; a plain string is its own label in both languages. */
const option = z.union([
  z.string().trim().min(1).max(80).transform((value) => ({ value, label: { en: value, 'zh-CN': value } })),
  z.strictObject({ value: z.string().trim().min(1).max(80), label }),
]);

const fieldShape = {
  label,
  type: z.enum(FIELD_TYPES),
  options: z.array(option).max(100).optional(),
  required: z.boolean().optional().describe('required before a ticket is solved'),
  scope: z.strictObject({ types: z.array(z.enum(TYPES)).max(10).optional(), teams: z.array(z.string().min(1).max(32)).max(50).optional() }).optional(),
  customerVisible: z.boolean().optional(),
  appliesTo: z.enum(FIELD_TARGETS).optional(),
  order: z.number().int().min(-10_000).max(10_000).optional(),
  active: z.boolean().optional(),
};

const optionsFitType = (f: { type?: string; options?: { value: string }[] }, ctx: z.RefinementCtx) => {
  if (f.type === 'select' && !f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'a select field needs options' });
  if (f.type && f.type !== 'select' && f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select field has options' });
  const values = (f.options ?? []).map((o) => o.value);
  if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'option values must differ' });
};

export const createFieldBody = z.strictObject({ key: fieldKey, ...fieldShape }).superRefine(optionsFitType);
export const updateFieldBody = z.strictObject({ ...fieldShape, type: fieldShape.type.optional(), label: label.optional() }).superRefine(optionsFitType);
export const fieldKeyParams = z.strictObject({ key: fieldKey });
export const listFieldsQuery = z.strictObject({ appliesTo: z.enum(FIELD_TARGETS).optional() });

export type CreateFieldInput = z.output<typeof createFieldBody>;
export type UpdateFieldInput = z.output<typeof updateFieldBody>;
