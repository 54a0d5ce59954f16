import { z } from 'zod';
import { documented } from '../../http/schema-types';
import { fen, sku } from '../parts/parts.schemas';
import { objectId, ticketNumberParams } from '../tickets/ticket.schemas';
import { LINE_KINDS, QUOTE_STATUSES } from './quote.model';

export { ticketNumberParams };

const line = z
  .strictObject({
    kind: z.enum(LINE_KINDS),
    sku: sku.optional().describe('part lines: a part of the catalogue, priced at its catalogue price'),
    description: z.string().trim().min(1).max(500).optional().describe('default for part lines: the part name in the customer\'s language'),
    qty: z.number().int().min(1).max(10_000),
    unitPrice: fen.optional().describe('integer fen; part lines take the catalogue price (a different one is 422 price_mismatch)'),
  })
  .superRefine((l, ctx) => {
    if (l.kind === 'part' && !l.sku) ctx.addIssue({ code: 'custom', path: ['sku'], message: 'a part line names its sku' });
    if (l.kind !== 'part' && l.sku) ctx.addIssue({ code: 'custom', path: ['sku'], message: 'only part lines have a sku' });
    if (l.kind !== 'part' && l.unitPrice === undefined) ctx.addIssue({ code: 'custom', path: ['unitPrice'], message: 'required' });
    if (l.kind !== 'part' && !l.description) ctx.addIssue({ code: 'custom', path: ['description'], message: 'required' });
  });

export const createQuoteBody = z.strictObject({
  lines: z.array(line).min(1).max(50),
  workOrderId: objectId.optional().describe('the work order (of this ticket) the quote pays for: paid, it may be dispatched'),
  validDays: z.number().int().min(1).max(90).default(7),
});

export const quoteParams = z.strictObject({ id: objectId });
export const paymentBody = z.strictObject({
  amount: fen.describe('integer fen; must equal the quote total (422 amount_mismatch)'),
  reference: z.string().trim().min(1).max(100).describe('the payment reference (bank transfer, POS slip): a repeat with it answers the first result'),
});

export const quoteView = z.object({
  id: z.string(),
  number: z.string(),
  ticketNumber: z.number(),
  workOrderId: z.string().nullable(),
  total: z.number().int(),
  currency: z.literal('CNY'),
  status: z.enum(QUOTE_STATUSES),
  lines: z.array(z.object({ kind: z.enum(LINE_KINDS), sku: z.string().nullable(), description: z.string(), qty: z.number().int(), unitPrice: z.number().int(), amount: z.number().int() })),
  validDays: z.number().int(),
  validUntil: z.string(),
  decidedAt: z.string().nullable(),
  payment: z.object({ amount: z.number().int(), reference: z.string(), by: z.object({ id: z.string().nullable(), name: z.string() }), at: z.string() }).nullable(),
  createdAt: z.string(),
});

export const quoteTokenParams = z.strictObject({ token: z.string().max(200).describe('the signed token from the mailed link') });
export const quotePageQuery = z.looseObject({ lang: documented(z.unknown(), { type: 'string', enum: ['en', 'zh-CN'], description: 'the page language (default the customer\'s)' }).optional() });
/** Posted by the customer's browser: a bad value is answered with the page and a 400, not a JSON error. */
export const quoteDecisionBody = z.looseObject({
  decision: documented(z.unknown(), { type: 'string', enum: ['accept', 'decline'] }).optional(),
  lang: documented(z.unknown(), { type: 'string', enum: ['en', 'zh-CN'] }).optional(),
});

export type QuoteView = z.infer<typeof quoteView>;
export type CreateQuoteInput = z.output<typeof createQuoteBody>;
