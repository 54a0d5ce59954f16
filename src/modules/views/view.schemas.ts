import { z } from 'zod';
import { SORTS } from '../tickets/ticket.filter';
import { fieldFilters, gatherFieldFilters, ticketFilterFields } from '../tickets/ticket.schemas';

/**
 * A view's filters are stored as the list query takes them (`status: "new,open"`, `createdFrom:
 * "2030-01-01"`), so a view opens as `GET /api/tickets?<filters>`; they are validated with the same
 * schema when saved. Custom field filters are kept the same way, one `fields.<key>` entry each.
 */
const viewFilter = z.preprocess(gatherFieldFilters, z.strictObject({ ...ticketFilterFields, fields: fieldFilters.optional() }));
const FIELD_FILTER = /^fields\.[a-z][a-z0-9_]{0,39}$/;

const filterStrings = z
  .object({
    status: z.string().max(200).optional(),
    team: z.string().max(32).optional(),
    channel: z.string().max(100).optional(),
    type: z.string().max(200).optional(),
    priority: z.string().max(100).optional(),
    assignee: z.string().max(24).optional(),
    customer: z.string().max(24).optional(),
    sla: z.string().max(20).optional(),
    createdFrom: z.string().max(40).optional(),
    createdTo: z.string().max(40).optional(),
    updatedFrom: z.string().max(40).optional(),
    updatedTo: z.string().max(40).optional(),
    q: z.string().max(200).optional(),
  })
  .catchall(z.string().max(200))
  .superRefine((f, ctx) => {
    for (const k of Object.keys(f)) if (k === 'sort' || (!(k in ticketFilterFields) && !FIELD_FILTER.test(k))) ctx.addIssue({ code: 'custom', path: [k], message: 'not a filter of the ticket list' });
    const parsed = viewFilter.safeParse(f);
    if (!parsed.success) for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
  });

export const viewBody = z
  .strictObject({
    name: z.string().trim().min(1).max(80),
    scope: z.enum(['personal', 'team']).default('personal'),
    team: z.string().min(1).max(32).nullable().optional(),
    filters: filterStrings.default({}),
    sort: z.enum(SORTS).default('newest'),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .refine((v) => v.scope !== 'team' || !!v.team, { path: ['team'], message: 'a team view names its team' });
export type ViewInput = z.output<typeof viewBody>;

export const viewParams = z.strictObject({ id: z.string().regex(/^[a-f0-9]{24}$/, 'a view id') });
export const viewsQuery = z.strictObject({ counts: z.enum(['true', 'false']).optional() });

/** The stored filter strings as a list filter (already validated when the view was saved). */
export function parseViewFilters(filters: Record<string, string>) {
  return viewFilter.parse(filters) as z.output<z.ZodObject<typeof ticketFilterFields>> & { fields?: Record<string, string> };
}
