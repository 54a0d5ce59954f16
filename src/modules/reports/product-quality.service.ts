import type { PipelineStage } from 'mongoose';
import type { TicketModel } from '../tickets/ticket.model';
import type { ProductQualityReport } from './report.schemas';

/** Ticket types that speak of the product's quality (an inquiry or a complaint about service does not). */
export const QUALITY_TYPES = ['fault', 'warranty', 'return'] as const;
const EXAMPLES = 5;

interface ModelGroup {
  _id: string;
  total: number;
  fault: number;
  warranty: number;
  return: number;
  tickets: { number: number; subject: string; type: string; serial?: string | null; createdAt: Date }[];
}

/**
 * The monthly product-quality feedback for R&D: fault, warranty and return tickets created in the
 * month (UTC), grouped by product model, with the units (serials) that came back more than once;
 * and the returns and exchanges asked for in the month by model and reason.
 */
/** Returns and exchanges by model and reason (src/modules/returns/return.report.ts). */
export interface ReturnsByModelSource {
  byModel(from: Date, to: Date, teams: readonly string[] | undefined): Promise<ProductQualityReport['returns']>;
}

export class ProductQualityService {
  constructor(
    private readonly Ticket: TicketModel,
    private readonly returns: ReturnsByModelSource,
  ) {}

  async monthly(month: string, teams: readonly string[] | undefined, limit: number): Promise<ProductQualityReport> {
    const from = new Date(`${month}-01T00:00:00.000Z`);
    const to = new Date(from);
    to.setUTCMonth(to.getUTCMonth() + 1);
    const prevFrom = new Date(from);
    prevFrom.setUTCMonth(prevFrom.getUTCMonth() - 1);

    const [current, previous, returns] = await Promise.all([this.groups(from, to, teams, true), this.groups(prevFrom, from, teams, false), this.returns.byModel(from, to, teams)]);
    const prevByModel = new Map(previous.map((g) => [g._id, g.total]));
    const withoutModel = current.find((g) => g._id === '')?.total ?? 0;
    const models = current
      .filter((g) => g._id !== '')
      .map((g) => {
        const serials = g.tickets.map((t) => t.serial).filter((s): s is string => !!s);
        const perUnit = new Map<string, number>();
        for (const s of serials) perUnit.set(s, (perUnit.get(s) ?? 0) + 1);
        const newest = [...g.tickets].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number);
        return {
          model: g._id,
          total: g.total,
          fault: g.fault,
          warranty: g.warranty,
          return: g.return,
          units: perUnit.size,
          repeatUnits: [...perUnit.entries()].filter(([, n]) => n > 1).map(([serial, tickets]) => ({ serial, tickets })),
          // a model is a recurring fault when it came back more than once in the month
          recurring: g.total > 1,
          previousMonth: prevByModel.get(g._id) ?? 0,
          examples: newest.slice(0, EXAMPLES).map((t) => ({ number: t.number, subject: t.subject, type: t.type, serial: t.serial ?? null, createdAt: t.createdAt.toISOString() })),
        };
      })
      .sort((a, b) => b.total - a.total || a.model.localeCompare(b.model))
      .slice(0, limit);
    return {
      month,
      from: from.toISOString(),
      to: to.toISOString(),
      tickets: current.reduce((n, g) => n + g.total, 0),
      withoutModel,
      previousMonthTickets: previous.reduce((n, g) => n + g.total, 0),
      models,
      returns: { total: returns.total, models: returns.models.slice(0, limit) },
    };
  }

  private groups(from: Date, to: Date, teams: readonly string[] | undefined, withTickets: boolean): Promise<ModelGroup[]> {
    const match: Record<string, unknown> = { createdAt: { $gte: from, $lt: to }, type: { $in: [...QUALITY_TYPES] } };
    if (teams) match.team = { $in: [...teams] };
    const count = (type: string) => ({ $sum: { $cond: [{ $eq: ['$type', type] }, 1, 0] } });
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $project: { m: { $ifNull: ['$product.model', ''] }, type: 1, number: 1, subject: 1, serial: '$product.serial', createdAt: 1 } },
      {
        $group: {
          _id: '$m',
          total: { $sum: 1 },
          fault: count('fault'),
          warranty: count('warranty'),
          return: count('return'),
          ...(withTickets ? { tickets: { $push: { number: '$number', subject: '$subject', type: '$type', serial: '$serial', createdAt: '$createdAt' } } } : {}),
        },
      },
    ];
    return this.Ticket.aggregate<ModelGroup>(pipeline).exec();
  }
}
