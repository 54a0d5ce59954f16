import { z } from 'zod';
import type { ReturnsByModelReport } from './report.payloads';
import { intParamWithDefault, teamKey } from '../../http/schema-types';

export const GROUP_BY = ['channel', 'team', 'agent', 'day'] as const;
export type FixedGroupBy = (typeof GROUP_BY)[number];
/** A fixed dimension, or a custom field of the tickets (`field:<key>`). */
export type GroupBy = FixedGroupBy | `field:${string}`;
const groupBy = z
  .union([z.enum(GROUP_BY), z.string().regex(/^field:[a-z][a-z0-9_]{0,39}$/, 'must be channel, team, agent, day or field:<key>') as z.ZodType<`field:${string}`>])
  .describe('channel, team, agent, day, or field:<key> (a custom field of the tickets)');

/** A date (`2030-03-01`, midnight UTC) or a date-time with an offset (`2030-03-01T08:00:00+08:00`). */
const isoInstant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((s) => new Date(s))
  .describe('ISO 8601 date (midnight UTC) or date-time with offset');

const MAX_YEARS = 2;

export const summaryQuery = z
  .strictObject({
    from: isoInstant.describe('start of the range, inclusive: tickets created at or after it'),
    to: isoInstant.describe('end of the range, exclusive'),
    groupBy: groupBy.default('channel'),
    team: teamKey.optional().describe('only this team'),
    format: z.enum(['json', 'csv']).optional().describe('overrides the Accept header'),
    locale: z.enum(['en', 'zh-CN']).optional().describe('language of the CSV headers and labels; else Accept-Language'),
  })
  .superRefine((q, ctx) => {
    if (q.from.getTime() >= q.to.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
    const limit = new Date(q.from);
    limit.setUTCFullYear(limit.getUTCFullYear() + MAX_YEARS);
    if (q.to.getTime() > limit.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_YEARS} years` });
  });
export type SummaryQuery = z.output<typeof summaryQuery>;

export const productQualityQuery = z.strictObject({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'month must be YYYY-MM'),
  team: teamKey.optional(),
  limit: intParamWithDefault({ min: 1, max: 200, default: 50, description: 'how many product models' }),
});
export type ProductQualityQuery = z.output<typeof productQualityQuery>;

const rate = z.number().nullable();
const seconds = z.number().nullable();

export const summaryRow = z.object({
  key: z.string(),
  label: z.string(),
  tickets: z.number(),
  firstResponseMedianSec: seconds,
  firstResponseP90Sec: seconds,
  resolutionMedianSec: seconds,
  resolutionP90Sec: seconds,
  resolved: z.number(),
  resolutionRate: rate,
  reopenRate: rate,
  slaCompliance: rate,
  slaByTarget: z.object({ firstResponse: rate, resolution: rate }),
  csatAverage: z.number().nullable(),
  csatResponses: z.number(),
  csatResponseRate: rate,
  complaints: z.number(),
  complaintRate: rate,
  followUps: z.number(),
  followUpCompletion: rate,
  calls: z.number(),
  callsAnsweredWithin30s: rate,
  /** work orders (工单) raised in the range, not cancelled */
  workOrders: z.number(),
  /** on-site target hit / (hit + breached) */
  onSiteCompliance: rate,
  /** first visits completed and never revisited / first visits finished */
  firstVisitFixRate: rate,
  /** revisits (second and later work orders on a ticket or unit) / work orders — 错单率 */
  revisitRate: rate,
  /** distinct engineers of those work orders */
  engineers: z.number(),
  workOrdersPerEngineer: z.number().nullable(),
});
export type SummaryRow = z.infer<typeof summaryRow>;

export const summaryResponse = z.object({
  from: z.string(),
  to: z.string(),
  groupBy,
  generatedAt: z.string(),
  groups: z.array(summaryRow),
  totals: summaryRow,
});
export type SummaryReport = z.infer<typeof summaryResponse>;

/** CSV column order: the contract's figures first, then the extensions. */
export const SUMMARY_COLUMNS = [
  'key', 'label', 'tickets', 'firstResponseMedianSec', 'firstResponseP90Sec', 'resolutionMedianSec', 'resolutionP90Sec',
  'resolved', 'resolutionRate', 'reopenRate', 'slaCompliance', 'slaFirstResponse', 'slaResolution',
  'csatAverage', 'csatResponses', 'csatResponseRate', 'complaints', 'complaintRate', 'followUps', 'followUpCompletion',
  'calls', 'callsAnsweredWithin30s', 'workOrders', 'onSiteCompliance', 'firstVisitFixRate', 'revisitRate', 'engineers', 'workOrdersPerEngineer',
] as const;

export const productQualityResponse = z.object({
  month: z.string(),
  from: z.string(),
  to: z.string(),
  tickets: z.number(),
  withoutModel: z.number(),
  previousMonthTickets: z.number(),
  models: z.array(
    z.object({
      model: z.string(),
      total: z.number(),
      fault: z.number(),
      warranty: z.number(),
      return: z.number(),
      units: z.number(),
      repeatUnits: z.array(z.object({ serial: z.string(), tickets: z.number() })),
      recurring: z.boolean(),
      previousMonth: z.number(),
      examples: z.array(z.object({ number: z.number(), subject: z.string(), type: z.string(), serial: z.string().nullable(), createdAt: z.string() })),
    }),
  ),
  /** returns and exchanges (退换货) asked for in the month, by model and reason */
  returns: z.object({
    total: z.number(),
    models: z.array(
      z.object({
        model: z.string(),
        total: z.number(),
        kinds: z.object({ return: z.number(), exchange: z.number(), repair: z.number() }),
        outcomes: z.object({ refund: z.number(), replace: z.number(), repair: z.number(), rejected: z.number(), open: z.number() }),
        reasons: z.array(z.object({ code: z.string(), count: z.number() })),
        examples: z.array(z.object({ number: z.string(), ticketNumber: z.number(), kind: z.string(), reasonCode: z.string(), reason: z.string(), serial: z.string(), createdAt: z.string() })),
      }),
    ),
  }),
  /** defective parts (旧件) taken out on service reports in the month, by model and part */
  defectiveParts: z.object({
    total: z.number(),
    models: z.array(z.object({ model: z.string(), total: z.number(), parts: z.array(z.object({ sku: z.string(), count: z.number() })) })),
  }),
});
export type ProductQualityReport = z.infer<typeof productQualityResponse>;
// the console's plain copy of the returns part must stay what the schema says (both ways)
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const returnsPayloadMatches: Same<ProductQualityReport['returns'], ReturnsByModelReport> = true;
void returnsPayloadMatches;
