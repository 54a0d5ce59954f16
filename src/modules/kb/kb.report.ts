import { Router } from 'express';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import type { Clock } from '../../infra/clock';
import type { KbArticleModel, KbEventModel } from './kb.model';

const DAY = 24 * 3600 * 1000;

export const kbReportQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const kbReportResponse = z.object({
  from: z.string(),
  to: z.string(),
  /** articles put into agents' replies */
  used: z.number(),
  /** chats the visitor ended with "this answered my question", without a ticket */
  deflections: z.number(),
  articles: z.array(z.object({ id: z.string(), title: z.string(), locale: z.string(), used: z.number(), deflections: z.number() })),
});

/** How the knowledge base helps: articles used in replies and questions answered without a ticket. */
export class KbReport {
  constructor(
    private readonly Event: KbEventModel,
    private readonly Article: KbArticleModel,
    private readonly clock: Clock,
  ) {}

  async summary(q: z.output<typeof kbReportQuery>): Promise<z.output<typeof kbReportResponse>> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY);
    if (from >= to) throw new ValidationError('from must be before to');
    if (to.getTime() - from.getTime() > 366 * DAY) throw new ValidationError('A report covers at most a year');
    const rows = await this.Event.aggregate<{ _id: { type: string; articleId: string }; n: number }>([
      { $match: { at: { $gte: from, $lt: to } } },
      { $group: { _id: { type: '$type', articleId: '$articleId' }, n: { $sum: 1 } } },
    ]);
    const per = new Map<string, { used: number; deflections: number }>();
    let used = 0;
    let deflections = 0;
    for (const r of rows) {
      const e = per.get(r._id.articleId) ?? { used: 0, deflections: 0 };
      if (r._id.type === 'used') (e.used += r.n), (used += r.n);
      else (e.deflections += r.n), (deflections += r.n);
      per.set(r._id.articleId, e);
    }
    const top = [...per.entries()].sort((a, b) => b[1].used + b[1].deflections - (a[1].used + a[1].deflections)).slice(0, q.limit);
    const ids = top.map(([id]) => id).filter((id) => Types.ObjectId.isValid(id));
    const docs = ids.length ? await this.Article.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { title: 1, locale: 1 }).lean() : [];
    const byId = new Map(docs.map((d) => [String(d._id), d]));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      used,
      deflections,
      articles: top.map(([id, e]) => ({ id, title: byId.get(id)?.title ?? '', locale: byId.get(id)?.locale ?? '', ...e })),
    };
  }
}

export function kbReportRoutes(api: ApiRegistry, report: KbReport): Router {
  const r = Router();
  api.route(
    r,
    { method: 'get', path: '/api/reports/kb', tag: 'reports', summary: 'Knowledge base: articles used in replies and deflections (chats answered by an article, no ticket)', auth: ['supervisor', 'manager', 'director', 'admin'], query: kbReportQuery, response: kbReportResponse },
    async ({ query }) => report.summary(query),
  );
  return r;
}
