import { CommandRecorder } from '../../src/infra/command-monitor';
import { PortalSessions } from '../../src/modules/portal/portal.session';
import { startTestApp, TestApp } from '../helpers/harness';

/**
 * The portal's pages read by `_id` or a unique key only: every signed-in customer opens them, and
 * on the embedded store a filter by anything else scans the collection (MONGO-SUBSET.md), so the
 * home page of one customer would cost time that grows with every other customer's tickets. The
 * driver's command monitoring records what each page sends (as tests/integration/hot-paths does).
 */
describe('the portal reads by _id or unique key only', () => {
  let app: TestApp;
  let rec: CommandRecorder;
  let cookie = '';
  let ticket = 0;
  let other = 0;
  let quoteNumber = '';

  beforeAll(async () => {
    app = await startTestApp({ workers: false, monitorCommands: true });
    rec = new CommandRecorder(app.c.conn).start();
    const manager = await app.as('manager@demo.local');
    // Emma's washer (out of warranty): a visit and a quote on it, and a second request of hers
    const t = (await app.c.models.Ticket.findOne({ subject: /Washer leaking/ }))!;
    ticket = t.number;
    const wo = await manager.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'Washer leaking again', address: '1 Oxford Street, London' });
    expect(wo.status).toBe(201);
    const quote = await manager.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ kind: 'labour', description: 'Pump replacement, 1 h', qty: 1, unitPrice: 15000 }], workOrderId: wo.body.id });
    expect(quote.status).toBe(201);
    quoteNumber = quote.body.number;
    const customer = (await app.c.models.Customer.findById(t.customerId))!;
    const created = await manager.post('/api/tickets').send({ channel: 'voice', subject: 'Dryer rattles', body: 'A noise in the drum.', customer: { name: customer.name, email: customer.emails[0] }, team: t.team });
    expect(created.status).toBe(201);
    other = created.body.number;
    // signed in the way the link of the mail does it: a one-time token, used by its form post
    const sessions = new PortalSessions(app.c.redis, app.config.queuePrefix, app.config.sessionSecret, false, app.c.clock);
    const token = await sessions.issueMagic(String(customer._id));
    const used = await app.http().post(`/portal/auth/${token}`).type('form').send({});
    expect(used.status).toBe(303);
    cookie = ([] as string[]).concat(used.headers['set-cookie'] ?? []).find((c) => c.startsWith('ac_portal='))!.split(';')[0];
  }, 60000);
  afterAll(async () => {
    rec.stop();
    await app.close();
  });

  async function guarded(name: string, path: string): Promise<string> {
    await app.c.events.flush();
    rec.reset();
    const res = await app.http().get(path).set('Cookie', cookie);
    const scans = rec.scans().map((c) => c.why);
    // eslint-disable-next-line no-console
    if (process.env.HOT_PATHS_REPORT) console.log(`${name}: ${rec.commands.length} round trips: ${rec.describe()}\n  ${scans.join('\n  ')}`);
    expect({ page: name, status: res.status, scans }).toEqual({ page: name, status: 200, scans: [] });
    return res.text;
  }

  it('opens the home page with the requests, the visit and the quote', async () => {
    const page = await guarded('portal home', '/portal');
    expect(page).toContain('Dryer rattles');
    expect(page).toContain('Washer leaking');
    expect(quoteNumber).not.toBe('');
    expect(page).toContain(quoteNumber);
    // the newer request first
    expect(page.indexOf('Dryer rattles')).toBeLessThan(page.indexOf('Washer leaking'));
    expect(other).toBeGreaterThan(ticket);
  });

  it('opens one request with its visit and messages', async () => {
    const page = await guarded('portal ticket', `/portal/tickets/${ticket}`);
    expect(page).toContain('Washer leaking');
  });

  it('reads what an older database stored before the rows and lists, once they are filled in at start', async () => {
    const t = (await app.c.models.Ticket.findOne({ number: ticket }).lean())!;
    // as stored by the release before: no quote row for the ticket, no recent tickets on the customer, not yet migrated
    await app.c.conn.model('QuoteIndex').deleteOne({ _id: `ticket:${String(t._id)}` });
    await app.c.models.Customer.collection.updateOne({ _id: t.customerId }, { $unset: { recentTickets: '' } });
    await app.c.models.Counter.deleteMany({ _id: { $in: ['migration:quote-rows', 'migration:customer-recent-tickets'] } });
    for (const name of ['quotes', 'customers']) await app.c.modules.find((m) => m.name === name)!.startApi!();
    const page = await guarded('portal home, after the migrations', '/portal');
    expect(page).toContain(quoteNumber);
    expect(page.indexOf('Dryer rattles')).toBeLessThan(page.indexOf('Washer leaking'));
    // marked, so that the next start leaves the data alone
    expect(await app.c.models.Counter.countDocuments({ _id: { $in: ['migration:quote-rows', 'migration:customer-recent-tickets'] } })).toBe(2);
  });
});
