import { buildTicketBody } from '../builders/ticket';
import { startTestApp, TestApp } from '../helpers/harness';

/** GET /api/tickets?q=: the interim search is scoped to the agent's teams before anything is cut off. */
describe('ticket search', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it("finds an agent's own match even when another team has thousands of matching messages", async () => {
    const admin = await app.as('admin@demo.local');
    const create = async (team: string, subject: string, body: string) => {
      const res = await admin.post('/api/tickets').send(buildTicketBody({ channel: 'web', subject, body, team }));
      expect(res.status).toBe(201);
      return res.body as { number: number; id: string };
    };
    // a complaints ticket (agent1 does not work complaints) with 6 000 messages mentioning the word
    const other = await create('complaints', 'Loud pump', 'The pump is loud');
    const ticket = await app.c.models.Ticket.findOne({ number: other.number });
    const docs = Array.from({ length: 6000 }, (_, i) => ({ ticketId: ticket!._id, ticketNumber: other.number, author: { type: 'customer', name: 'Kim Lee' }, body: `drainpump noise, day ${i}`, channel: 'web' }));
    for (let i = 0; i < docs.length; i += 1000) await app.c.models.Message.insertMany(docs.slice(i, i + 1000));
    // then agent1's own ticket, whose only match is in its message body
    const mine = await create('support', 'Washer stops mid-cycle', 'It stops and the drainpump hums');

    const agent1 = await app.as('agent1@demo.local');
    const res = await agent1.get('/api/tickets?q=drainpump');
    expect(res.status).toBe(200);
    expect(res.body.tickets.map((t: { number: number }) => t.number)).toEqual([mine.number]);
    // the manager sees both; paging goes on past the first page
    const manager = await app.as('manager@demo.local');
    const first = await manager.get('/api/tickets?q=drainpump&limit=1');
    expect(first.body.tickets.map((t: { number: number }) => t.number)).toEqual([mine.number]);
    const second = await manager.get(`/api/tickets?q=drainpump&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.tickets.map((t: { number: number }) => t.number)).toEqual([other.number]);
    expect(second.body.nextCursor).toBeNull();
  }, 120000);
});
