import type { PipelineStage } from 'mongoose';
import { formatReturnNumber, type ReturnModel } from './return.model';

export interface ReturnsByModel {
  model: string;
  total: number;
  /** what was asked for */
  kinds: { return: number; exchange: number; repair: number };
  /** how they ended so far: outcome type, rejected, or still open */
  outcomes: { refund: number; replace: number; repair: number; rejected: number; open: number };
  /** by reason code, most frequent first */
  reasons: { code: string; count: number }[];
  examples: { number: string; ticketNumber: number; kind: string; reasonCode: string; reason: string; serial: string; createdAt: string }[];
}

interface Row {
  _id: { model: string; reasonCode: string; kind: string; status: string; outcome: string | null };
  n: number;
  examples: { number: number; ticketNumber: number; kind: string; reasonCode: string; reason: string; serial: string; createdAt: Date }[];
}

const EXAMPLES = 3;

/**
 * Returns and exchanges asked for in a range, by product model and reason: the product-quality
 * report's view of 退换货. One `$group` over the range, folded in Node; only counts and a few
 * examples leave the server.
 */
export class ReturnFigures {
  constructor(private readonly Return: ReturnModel) {}

  async byModel(from: Date, to: Date, teams: readonly string[] | undefined): Promise<{ total: number; models: ReturnsByModel[] }> {
    const match: Record<string, unknown> = { createdAt: { $gte: from, $lt: to } };
    if (teams) match.$or = [{ team: { $in: [...teams] } }, { ticketTeam: { $in: [...teams] } }];
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $sort: { createdAt: -1 } },
      {
        $group: {
          _id: { model: '$model', reasonCode: '$reasonCode', kind: '$kind', status: '$status', outcome: { $ifNull: ['$outcome.type', null] } },
          n: { $sum: 1 },
          examples: { $push: { number: '$number', ticketNumber: '$ticketNumber', kind: '$kind', reasonCode: '$reasonCode', reason: '$reason', serial: '$serial', createdAt: '$createdAt' } },
        },
      },
    ];
    const rows = await this.Return.aggregate<Row>(pipeline).exec();
    const byModel = new Map<string, ReturnsByModel & { reasonCounts: Map<string, number>; all: Row['examples'] }>();
    for (const row of rows) {
      const k = row._id;
      let m = byModel.get(k.model);
      if (!m) {
        m = { model: k.model, total: 0, kinds: { return: 0, exchange: 0, repair: 0 }, outcomes: { refund: 0, replace: 0, repair: 0, rejected: 0, open: 0 }, reasons: [], examples: [], reasonCounts: new Map(), all: [] };
        byModel.set(k.model, m);
      }
      m.total += row.n;
      m.kinds[k.kind as keyof ReturnsByModel['kinds']] += row.n;
      const ended = k.outcome ?? (k.status === 'rejected' || k.status === 'closed' ? 'rejected' : 'open');
      m.outcomes[ended as keyof ReturnsByModel['outcomes']] += row.n;
      m.reasonCounts.set(k.reasonCode, (m.reasonCounts.get(k.reasonCode) ?? 0) + row.n);
      m.all.push(...row.examples);
    }
    const models = [...byModel.values()]
      .map(({ reasonCounts, all, ...m }) => ({
        ...m,
        reasons: [...reasonCounts.entries()].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
        examples: all
          .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number)
          .slice(0, EXAMPLES)
          .map((x) => ({ ...x, number: formatReturnNumber(x.number), createdAt: x.createdAt.toISOString() })),
      }))
      .sort((a, b) => b.total - a.total || a.model.localeCompare(b.model));
    return { total: models.reduce((n, m) => n + m.total, 0), models };
  }
}
