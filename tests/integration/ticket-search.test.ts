import { Types } from 'mongoose';
import type { SearchModule } from '../../src/modules/search/search.module';
import { SYSTEM } from '../../src/core/types';
import { buildCustomer } from '../builders/ticket';
import { startTestApp, TestApp } from '../helpers/harness';

/** Ticket search by words (GET /api/tickets?q=) through the search index, team-scoped inside the query. */
describe('ticket search by words', () => {
  let app: TestApp;
  let search: SearchModule;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    search = app.c.modules.find((m) => m.name === 'search') as SearchModule;
  }, 60000);
  afterAll(async () => app?.close());

  const register = async (as: Awaited<ReturnType<TestApp['as']>>, subject: string, body: string, team: string) => {
    const res = await as.post('/api/tickets').send({ channel: 'voice', subject, body, team, customer: { name: '王芳', phone: '+86 139 0000 1111' } });
    expect(res.status).toBe(201);
    return res.body.number as number;
  };
  const numbers = (res: { body: { tickets: { number: number }[] } }) => res.body.tickets.map((t) => t.number);

  it('finds Chinese tickets by words that are not a substring of their text, and synonyms', async () => {
    const a1 = await app.as('agent1@demo.local');
    const leak = await register(a1, '家里洗衣机一直在往外渗水', '客户来电：滚筒洗衣机每次洗衣服底下都有水。', 'support');
    const cool = await register(a1, '空调制冷效果差', '客户说AC-3500开了一个小时房间还是很热。', 'support');
    // `洗衣机漏水` is nowhere in the ticket; its words (洗衣机, and 渗水 as a kind of 漏水) are
    let res = await a1.get('/api/tickets').query({ q: '洗衣机漏水' });
    expect(res.status).toBe(200);
    expect(numbers(res)).toContain(leak);
    expect(numbers(res)).not.toContain(cool);
    res = await a1.get('/api/tickets').query({ q: '空调不制冷' });
    expect(numbers(res)).toContain(cool);
    expect(numbers(res)).not.toContain(leak);
    // a model number matches whole, however it is written
    res = await a1.get('/api/tickets').query({ q: 'ac3500' });
    expect(numbers(res)).toEqual(expect.arrayContaining([cool]));
    expect(numbers(res)).not.toContain(leak);
    // an English query in other words finds an English ticket
    const drain = await register(a1, 'WM-800 not draining', 'The washing machine stops with water in the drum.', 'support');
    res = await a1.get('/api/tickets').query({ q: "washer won't drain" });
    expect(numbers(res)).toContain(drain);
  });

  it('finds words of later messages and of internal notes, for the team only', async () => {
    const a1 = await app.as('agent1@demo.local');
    const n = await register(a1, 'Dishwasher question', 'Hello, a question about my dishwasher.', 'tech');
    expect((await a1.post(`/api/tickets/${n}/messages`).send({ body: '已安排工程师更换排水泵', internal: true })).status).toBe(201);
    expect((await a1.post(`/api/tickets/${n}/messages`).send({ body: 'Please check the spray arm first.' })).status).toBe(201);
    expect(numbers(await a1.get('/api/tickets').query({ q: '排水泵' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'spray arms' }))).toContain(n);
    // agent2 works complaints and returns: neither the ticket nor its note
    const a2 = await app.as('agent2@demo.local');
    expect(numbers(await a2.get('/api/tickets').query({ q: '排水泵' }))).not.toContain(n);
    // a team the agent does not work in is refused, as without q
    expect((await a2.get('/api/tickets').query({ q: '排水泵', team: 'tech' })).status).toBe(403);
  });

  it('follows a ticket to its new team', async () => {
    const a1 = await app.as('agent1@demo.local');
    const n = await register(a1, '投诉：维修后压缩机噪音更大', '客户非常不满意。', 'support');
    const admin = await app.as('admin@demo.local');
    expect((await admin.patch(`/api/tickets/${n}`).send({ team: 'complaints' })).status).toBe(200);
    const a2 = await app.as('agent2@demo.local');
    expect(numbers(await a2.get('/api/tickets').query({ q: '压缩机噪音' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: '压缩机噪音' }))).not.toContain(n);
  });

  it('indexes the first message of a ticket whose creation a crash cut short, once the effects sweeper re-drives it', async () => {
    // the crash: the ticket and its first message were written with the creation's journal entry, and no observer ran
    const messageId = new Types.ObjectId();
    const entry = { ...app.c.events.entry('created', { actor: SYSTEM, messageId }), nextAt: new Date(Date.now() - 1000) };
    const customer = await app.c.customers.findOrCreate(buildCustomer());
    const t = await app.c.models.Ticket.create({ number: 990_001, subject: 'Strange smell', channel: 'email', team: 'support', customerId: customer._id, effects: [entry] });
    await app.c.models.Message.create({ _id: messageId, ticketId: t._id, ticketNumber: t.number, author: { type: 'customer', name: customer.name }, body: '烘干机烘衣服的时候有焦糊味', channel: 'email' });
    const a1 = await app.as('agent1@demo.local');
    expect(numbers(await a1.get('/api/tickets').query({ q: '烘干机焦糊味' }))).not.toContain(990_001);
    expect(await app.c.events.redrive()).toMatchObject({ failed: 0 });
    expect(numbers(await a1.get('/api/tickets').query({ q: '烘干机焦糊味' }))).toContain(990_001);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'strange smell' }))).toContain(990_001);
  });

  it("an agent never misses their team's matches because of another team's volume, and pages through them", async () => {
    const { Ticket } = app.c.models;
    const customer = await app.c.customers.findOrCreate({ name: 'Volume', email: 'volume@example.com' });
    // 6 000 matching tickets of team returns, written straight to MongoDB, then the index rebuilt from it
    const docs = Array.from({ length: 6000 }, (_, i) => ({
      _id: new Types.ObjectId(),
      number: 500_000 + i,
      subject: `退货：洗碗机外壳划痕 ${i}`,
      channel: 'email',
      team: 'returns',
      customerId: customer._id,
      dedupeKey: `volume-${i}`,
    }));
    for (let i = 0; i < docs.length; i += 1000) await Ticket.insertMany(docs.slice(i, i + 1000), { lean: true });
    await search.tickets.rebuild(Ticket, app.c.models.Message);
    const a1 = await app.as('agent1@demo.local');
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await register(a1, `洗碗机外壳有划痕 (${i})`, '客户要求换货。', i === 2 ? 'tech' : 'support'));
    const res = await a1.get('/api/tickets').query({ q: '洗碗机划痕', limit: 2 });
    expect(res.status).toBe(200);
    const first = numbers(res);
    expect(first).toEqual([mine[2], mine[1]]);
    const next = await a1.get('/api/tickets').query({ q: '洗碗机划痕', limit: 2, cursor: res.body.nextCursor });
    expect(numbers(next)).toEqual([mine[0]]);
    expect(next.body.nextCursor).toBeNull();
    // agent2 (returns) sees the volume, newest first, and pages on
    const a2 = await app.as('agent2@demo.local');
    const theirs = await a2.get('/api/tickets').query({ q: '洗碗机划痕', limit: 50 });
    expect(theirs.body.tickets).toHaveLength(50);
    expect(numbers(theirs)[0]).toBe(505_999);
    expect(theirs.body.nextCursor).toEqual(expect.any(String));
    // filters besides words still apply
    const solved = await a1.get('/api/tickets').query({ q: '洗碗机划痕', status: 'solved' });
    expect(numbers(solved)).toEqual([]);
  }, 120000);

  it('answers a ticket number as before', async () => {
    const a1 = await app.as('agent1@demo.local');
    const n = await register(a1, 'Remote control lost', 'Where can I buy a new remote?', 'support');
    expect(numbers(await a1.get('/api/tickets').query({ q: `#${n}` }))[0]).toBe(n);
  });
});
