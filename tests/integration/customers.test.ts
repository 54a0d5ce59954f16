import { Types } from 'mongoose';
import { startTestApp, TestApp } from '../helpers/harness';

type As = Awaited<ReturnType<TestApp['as']>>;

describe('the customer archive is team-scoped', () => {
  let app: TestApp;
  let a1: As; // support, tech
  let a2: As; // complaints, returns
  let sup: As; // leads support, tech
  let mgr: As;
  beforeAll(async () => {
    app = await startTestApp();
    [a1, a2, sup, mgr] = await Promise.all(['agent1@demo.local', 'agent2@demo.local', 'supervisor@demo.local', 'manager@demo.local'].map((e) => app.as(e)));
  });
  afterAll(() => app.close());

  const register = async (as: As, team: string, customer: Record<string, string>, subject = `About ${customer.name}`) => {
    const res = await as.post('/api/tickets').send({ channel: 'voice', subject, body: 'x', customer, team });
    expect(res.status).toBe(201);
    return res.body as { number: number; customer: { id: string } };
  };

  it('shows an agent only customers of their teams\' tickets, and tells others nothing', async () => {
    const t = await register(a2, 'complaints', { name: 'Greta Holm', email: 'greta.holm@example.se', phone: '+46 8 123 456' });
    const id = t.customer.id;
    await a2.patch(`/api/customers/${id}`).send({ notes: 'Angry about the second repair; offered a replacement' });

    // agent1 works support and tech: no lookup hit, no record, no edit
    expect((await a1.get('/api/customers/lookup?email=greta.holm@example.se')).body).toEqual({ customer: null });
    expect((await a1.get(`/api/customers/lookup?phone=${encodeURIComponent('+46 8 123 456')}`)).body).toEqual({ customer: null });
    const read = await a1.get(`/api/customers/${id}`);
    expect(read.status).toBe(404);
    expect(read.body.error.code).toBe('not_found');
    const write = await a1.patch(`/api/customers/${id}`).send({ notes: 'overwritten', phones: ['+1 555 0100'] });
    expect(write.status).toBe(404);

    const own = await a2.get(`/api/customers/${id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ notes: 'Angry about the second repair; offered a replacement', phones: ['+468123456'], teams: ['complaints'] });
    expect((await a2.get('/api/customers/lookup?email=greta.holm@example.se')).body.customer.id).toBe(id);
    expect((await mgr.get(`/api/customers/${id}`)).status).toBe(200); // managers see all
  });

  it('follows a ticket that moves team: the new team sees the customer, the old one no longer', async () => {
    const t = await register(a2, 'returns', { name: 'Hugo Berg', email: 'hugo.berg@example.se' });
    const id = t.customer.id;
    expect((await a1.get(`/api/customers/${id}`)).status).toBe(404);
    expect((await mgr.patch(`/api/tickets/${t.number}`).send({ team: 'support' })).status).toBe(200);
    expect((await a1.get(`/api/customers/${id}`)).body.teams).toEqual(['support']);
    expect((await a2.get(`/api/customers/${id}`)).status).toBe(404);
  });

  it('lets a supervisor merge only within the teams they lead, and audits every merge', async () => {
    const one = await register(a1, 'support', { name: 'Ida Lund', email: 'ida.lund@example.se' }, 'Dishwasher E15');
    const other = await register(a1, 'support', { name: 'Ida L.', phone: '+46 70 111 2222' }, 'Callback about E15');
    await register(a2, 'complaints', { name: 'Ida L.', phone: '+46 70 111 2222' }, 'Complaint about the E15 visit');

    expect((await a1.post(`/api/customers/${one.customer.id}/merge`).send({ from: other.customer.id })).status).toBe(403); // agents never
    const refused = await sup.post(`/api/customers/${one.customer.id}/merge`).send({ from: other.customer.id });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('complaints');
    expect((await a1.get(`/api/customers/${one.customer.id}`)).body.phones).toEqual([]); // nothing moved

    const merged = await mgr.post(`/api/customers/${one.customer.id}/merge`).send({ from: other.customer.id });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ emails: ['ida.lund@example.se'], phones: ['+46701112222'] });
    expect([...merged.body.teams].sort()).toEqual(['complaints', 'support']);
    expect(merged.body.merges).toEqual([expect.objectContaining({ from: other.customer.id, by: expect.objectContaining({ name: expect.any(String) }), tickets: expect.arrayContaining([other.number]) })]);
    const audit = await mgr.get(`/api/tickets/${other.number}/audit`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('customer_merged');
    // the complaints agent still sees the (merged) customer of their ticket
    expect((await a2.get(`/api/customers/${other.customer.id}`)).body.id).toBe(one.customer.id);
  });

  it('lets a supervisor merge customers of their own teams', async () => {
    const x = await register(a1, 'tech', { name: 'Jon Ek', email: 'jon.ek@example.se' });
    const y = await register(a1, 'support', { name: 'Jon Ek', phone: '+46 70 333 4444' });
    const res = await sup.post(`/api/customers/${x.customer.id}/merge`).send({ from: y.customer.id });
    expect(res.status).toBe(200);
    expect(res.body.merges[0].by.name).toBe('Li Na (李娜)');
  });

  it('fills in the teams of customers stored before they were kept, once, at start', async () => {
    const t = await register(a2, 'returns', { name: 'Karl Nyberg', email: 'karl.nyberg@example.se' });
    // as a record of an older version: no teams, and the one-off backfill not yet run
    await app.c.models.Customer.collection.updateOne({ _id: new Types.ObjectId(t.customer.id) }, { $unset: { teams: '' } });
    await app.c.models.Counter.deleteOne({ _id: 'migration:customer-teams' });
    const customers = app.c.modules.find((m) => m.name === 'customers')!;
    await customers.startApi!();
    expect((await app.c.models.Customer.findById(t.customer.id).lean())!.teams).toEqual(['returns']);
    expect((await a2.get(`/api/customers/${t.customer.id}`)).status).toBe(200);
  });

  it('still lets a team see a customer whose kept teams missed its ticket, and mends the record', async () => {
    const t = await register(a2, 'returns', { name: 'Lena Sund', email: 'lena.sund@example.se' });
    await app.c.models.Customer.updateOne({ _id: t.customer.id }, { $set: { teams: [] } }); // as if the observer had failed
    expect((await a2.get(`/api/customers/${t.customer.id}`)).status).toBe(200);
    expect((await app.c.models.Customer.findById(t.customer.id).lean())!.teams).toEqual(['returns']);
    expect((await a1.get(`/api/customers/${t.customer.id}`)).status).toBe(404);
  });
});
