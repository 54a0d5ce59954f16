import { MovableClock } from '../../src/infra/clock';
import { startTestApp, TestApp } from '../helpers/harness';

/** Field-service KPIs in the summary report: on-site compliance, first-visit fix, revisits (错单率), work orders per engineer. */
describe('work order KPIs in the reports', () => {
  const clock = new MovableClock();
  let app: TestApp;
  beforeAll(async () => {
    clock.set('2031-04-07T01:00:00Z'); // Monday 09:00 in Shanghai
    app = await startTestApp({ clock });
  });
  afterAll(() => app.close());

  it('counts by team and by engineer', async () => {
    const sup = await app.as('supervisor@demo.local');
    const ids = Object.fromEntries(await Promise.all(['engineer1', 'engineer2'].map(async (n) => [n, String((await app.c.models.Agent.findOne({ email: `${n}@demo.local` }))!._id)])));
    const ticketOf = async (subject: RegExp) => (await app.c.models.Ticket.findOne({ subject }))!.number;
    const window = { start: '2031-04-07T02:00:00Z', end: '2031-04-07T04:00:00Z' };
    const visit = async (ticket: number, engineer: string, steps: string[]) => {
      const wo = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'x', address: 'y', engineer, window })).body;
      expect(wo.status).toBe('dispatched');
      const who = await app.as(engineer === ids.engineer1 ? 'engineer1@demo.local' : 'engineer2@demo.local');
      for (const type of steps) expect((await who.post(`/api/work-orders/${wo.id}/events`).send({ type, clientId: `kpi-${type}-${wo.id}` })).status).toBe(200);
      return wo;
    };
    const walk = ['accept', 'depart', 'arrive', 'complete'];
    const ac = await ticketOf(/E4/);
    await visit(ac, ids.engineer1, walk); // first visit, on time, completed…
    await visit(ac, ids.engineer1, walk); // …but the fault came back: a revisit, so the first visit did not fix it
    await visit(await ticketOf(/Spare filter/), ids.engineer2, walk); // fixed at the first visit
    await visit(await ticketOf(/register my warranty/), ids.engineer2, ['accept']); // still on its way when the report runs
    const cancelled = (await sup.post(`/api/tickets/${ac}/work-orders`).send({ kind: 'inspection', description: 'x', address: 'y' })).body;
    await sup.post(`/api/work-orders/${cancelled.id}/events`).send({ type: 'cancel', clientId: `kpi-cancel-${cancelled.id}` });

    clock.set('2031-04-07T07:00:00Z'); // 15:00: the open visit's 4 business hours are over (due 14:30)
    const manager = await app.as('manager@demo.local');
    const byTeam = await manager.get('/api/reports/summary?from=2031-04-07&to=2031-04-08&groupBy=team');
    expect(byTeam.status).toBe(200);
    const field = byTeam.body.groups.find((g: { key: string }) => g.key === 'field');
    expect(field).toMatchObject({ workOrders: 4, onSiteCompliance: 0.75, firstVisitFixRate: 0.5, revisitRate: 0.25, engineers: 2, workOrdersPerEngineer: 2 });
    expect(byTeam.body.totals).toMatchObject({ workOrders: 4, onSiteCompliance: 0.75 });

    const byEngineer = await manager.get('/api/reports/summary?from=2031-04-07&to=2031-04-08&groupBy=agent');
    const row = (id: string) => byEngineer.body.groups.find((g: { key: string }) => g.key === id);
    expect(row(ids.engineer1)).toMatchObject({ label: 'Zhou Qiang (周强)', workOrders: 2, onSiteCompliance: 1, firstVisitFixRate: 0, revisitRate: 0.5, workOrdersPerEngineer: 2 });
    expect(row(ids.engineer2)).toMatchObject({ label: 'Mark Evans', workOrders: 2, onSiteCompliance: 0.5, firstVisitFixRate: 1, revisitRate: 0 });

    const csv = await manager.get('/api/reports/summary?from=2031-04-07&to=2031-04-08&groupBy=team&format=csv');
    const [header] = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['workOrders', 'onSiteCompliance', 'firstVisitFixRate', 'revisitRate', 'workOrdersPerEngineer']));
    // agents get no reports
    const other = await (await app.as('agent1@demo.local')).get('/api/reports/summary?from=2031-04-07&to=2031-04-08&groupBy=team');
    expect(other.status).toBe(403);
  });
});
