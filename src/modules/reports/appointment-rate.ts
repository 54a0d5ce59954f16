import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ReminderModel } from '../maintenance/reminder.model';

export const appointmentRateQuery = z.strictObject({
  from: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'from must be YYYY-MM'),
  to: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'to must be YYYY-MM'),
  model: z.string().min(1).max(64).optional(),
});

const group = z.object({ model: z.string(), month: z.string(), remindersSent: z.number(), booked: z.number(), appointmentRate: z.number().nullable() });
export const appointmentRateResponse = z.object({ from: z.string(), to: z.string(), groups: z.array(group), totals: group.omit({ model: true, month: true }) });

const MAX_MONTHS = 36;

/**
 * The appointment rate (预约率) by product model and month of the reminder: units booked within 30
 * days of a maintenance reminder over the reminders sent (the reminder records say both: `sentAt`
 * and `booked`, set when a visit for the unit was booked within 30 days).
 */
export class AppointmentRateReport {
  constructor(private readonly Reminder: ReminderModel) {}

  async byModelAndMonth(q: z.output<typeof appointmentRateQuery>) {
    const start = new Date(`${q.from}-01T00:00:00Z`);
    const [y, m] = q.to.split('-').map(Number);
    const end = new Date(Date.UTC(y, m, 1)); // the first instant after the month `to`
    if (!(end > start) || (y - start.getUTCFullYear()) * 12 + m - start.getUTCMonth() - 1 > MAX_MONTHS) {
      throw new ValidationError(`from must not be after to, and the range at most ${MAX_MONTHS} months`, [{ path: 'to', message: `from ≤ to, at most ${MAX_MONTHS} months` }]);
    }
    const match: Record<string, unknown> = { status: 'sent', sentAt: { $gte: start, $lt: end } };
    if (q.model) match.model = q.model;
    const rows: { _id: { model: string; month: string }; sent: number; booked: number }[] = await this.Reminder.aggregate([
      { $match: match },
      { $group: { _id: { model: '$model', month: { $dateToString: { format: '%Y-%m', date: '$sentAt' } } }, sent: { $sum: 1 }, booked: { $sum: '$booked' } } },
      { $sort: { '_id.month': 1, '_id.model': 1 } },
    ]);
    const rate = (b: number, s: number) => (s ? Math.round((b / s) * 1000) / 1000 : null);
    const groups = rows.map((r) => ({ model: r._id.model, month: r._id.month, remindersSent: r.sent, booked: r.booked, appointmentRate: rate(r.booked, r.sent) }));
    const sent = groups.reduce((a, g) => a + g.remindersSent, 0);
    const booked = groups.reduce((a, g) => a + g.booked, 0);
    return { from: q.from, to: q.to, groups, totals: { remindersSent: sent, booked, appointmentRate: rate(booked, sent) } };
  }
}
