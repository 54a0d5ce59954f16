import mongoose, { Types } from 'mongoose';
import { startTestApp, TestApp } from '../helpers/harness';

const DAY = 86400_000;

/**
 * Two years of tickets in one group: MongoDB answers an aggregation with documents of at most
 * 16 MB, and the summary pushed every ticket of a group into one (a 500 on real MongoDB past a few
 * hundred thousand tickets). mongo-java-server does not enforce the limit, so the test measures
 * what the limit applies to: the largest document the store hands the report.
 */
describe('report over a two-year range', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers with every ticket counted, and no store document grows with the range', async () => {
    const from = Date.UTC(2028, 0, 1);
    const TICKETS = 8000;
    const customerId = new Types.ObjectId();
    for (let i = 0; i < TICKETS; i += 4000) {
      const docs = Array.from({ length: 4000 }, (_, j) => {
        const n = i + j;
        const createdAt = new Date(from + Math.floor((n / TICKETS) * 730 * DAY));
        return {
          number: 500_000 + n,
          dedupeKey: `report-range-${n}`,
          subject: 'x',
          channel: 'email',
          status: 'solved',
          priority: 'normal',
          type: 'inquiry',
          team: 'support',
          customerId,
          createdAt,
          updatedAt: createdAt,
          firstResponseAt: new Date(createdAt.getTime() + 600_000),
          solvedAt: new Date(createdAt.getTime() + 3600_000),
          sla: n % 2 ? { calendar: 'business-hours', firstResponse: { status: 'hit' }, resolution: { status: 'hit' } } : null,
        };
      });
      await app.c.conn.collection('tickets').insertMany(docs);
    }
    // what the store returns to the report's aggregations, as they pass
    const Ticket = app.c.models.Ticket;
    const aggregate = Ticket.aggregate.bind(Ticket);
    const sizes: number[] = [];
    (Ticket as unknown as { aggregate: unknown }).aggregate = (...args: Parameters<typeof aggregate>) => {
      const agg = aggregate(...args);
      const exec = agg.exec.bind(agg);
      agg.exec = async () => {
        const docs = await exec();
        for (const d of docs as object[]) sizes.push(mongoose.mongo.BSON.calculateObjectSize(d));
        return docs;
      };
      return agg;
    };
    try {
      const manager = await app.as('manager@demo.local');
      const res = await manager.get(`/api/reports/summary?from=2028-01-01&to=2029-12-31&groupBy=channel`);
      expect(res.status).toBe(200);
      expect(res.body.totals.tickets).toBe(TICKETS);
      expect(res.body.groups.find((g: { key: string }) => g.key === 'email').resolved).toBe(TICKETS);
      expect(res.body.totals.resolutionMedianSec).toBeGreaterThan(0);
      // ~60 bytes a ticket: the whole range in one document would be ~500 KB; a day is about one KB
      expect(sizes.length).toBeGreaterThan(700);
      expect(Math.max(...sizes)).toBeLessThan(64 * 1024);
    } finally {
      (Ticket as unknown as { aggregate: unknown }).aggregate = aggregate;
    }
  }, 180000);

  it('refuses a range of more than two years with a clear message', async () => {
    const manager = await app.as('manager@demo.local');
    const res = await manager.get('/api/reports/summary?from=2027-01-01&to=2029-06-01');
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'to', message: 'the range may span at most 2 years' })]);
  });
});
