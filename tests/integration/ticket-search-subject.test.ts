import { startTestApp, TestApp } from '../helpers/harness';

/** A ticket's subject is searchable as it is now: the words of a subject it no longer has stop finding it. */
describe('ticket search follows a changed subject', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  }, 60000);
  afterAll(async () => app?.close());

  const numbers = (res: { body: { tickets: { number: number }[] } }) => res.body.tickets.map((t) => t.number);

  it('finds the ticket by the new subject and no longer by the old one', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: '冰箱压缩机异响', body: '客户来电，想了解保修。', team: 'support', customer: { name: '李雷', phone: '+86 139 0000 2222' } });
    expect(created.status).toBe(201);
    const n = created.body.number as number;
    expect(numbers(await a1.get('/api/tickets').query({ q: '压缩机异响' }))).toContain(n);

    expect((await a1.patch(`/api/tickets/${n}`).send({ subject: 'WM-800 door seal torn' })).status).toBe(200);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'door seal' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: '压缩机异响' }))).not.toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: '冰箱' }))).not.toContain(n);
    // a word the first message also has keeps finding it (it is still in the ticket)
    expect(numbers(await a1.get('/api/tickets').query({ q: '保修' }))).toContain(n);
  });

  it('after a team move, a later subject change still takes the old words away', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Dryer smells burnt', body: 'Please call me back.', team: 'support', customer: { name: 'Ann Lee', phone: '+86 139 0000 3333' } });
    const n = created.body.number as number;
    const admin = await app.as('admin@demo.local');
    expect((await admin.patch(`/api/tickets/${n}`).send({ team: 'tech' })).status).toBe(200);
    expect((await admin.patch(`/api/tickets/${n}`).send({ subject: 'Dishwasher spray arm blocked' })).status).toBe(200);
    expect(numbers(await admin.get('/api/tickets').query({ q: 'spray arm' }))).toContain(n);
    expect(numbers(await admin.get('/api/tickets').query({ q: 'dryer burnt' }))).not.toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'dryer burnt' }))).not.toContain(n);
  });

  it('follows the tags: a removed tag stops finding the ticket, a new one finds it', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Oven question', body: 'How hot does it get?', team: 'support', customer: { name: 'Tom Hill', phone: '+86 139 0000 6666' } });
    const n = created.body.number as number;
    expect((await a1.patch(`/api/tickets/${n}`).send({ tags: ['recall-2026'] })).status).toBe(200);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'recall-2026' }))).toContain(n);
    expect((await a1.patch(`/api/tickets/${n}`).send({ tags: ['vip'] })).status).toBe(200);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'vip oven' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'recall-2026' }))).not.toContain(n);
    // the change is in the ticket's audit like the others
    const audit = (await a1.get(`/api/tickets/${n}/audit`)).body.entries;
    expect(audit.at(-1)).toMatchObject({ action: 'updated', changes: { tags: [['recall-2026'], ['vip']] } });
  });

  it('follows the product model when another unit is linked: the old model stops finding the ticket', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: '机器有异味', body: '用了一周就有异味。', team: 'tech', customer: { name: '周杰', phone: '+86 139 0000 5555' } });
    const n = created.body.number as number;
    const customer = created.body.customer.id as string;
    const unit = async (model: string, serial: string) => {
      const res = await a1.post(`/api/customers/${customer}/units`).send({ model, serial, purchaseDate: '2026-06-01' });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const ac = await unit('AC-3500', 'AC35-SEARCH-0001');
    const washer = await unit('WM-800', 'WM80-SEARCH-0001');
    expect((await a1.patch(`/api/tickets/${n}`).send({ unitId: ac })).status).toBe(200);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'AC-3500 异味' }))).toContain(n);
    expect((await a1.patch(`/api/tickets/${n}`).send({ unitId: washer })).status).toBe(200);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'WM-800 异味' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: 'AC-3500 异味' }))).not.toContain(n);
  });

  it('after the index is rebuilt from MongoDB, the old subject finds nothing either', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: '热水器点不着火', body: '需要上门。', team: 'support', customer: { name: '韩梅梅', phone: '+86 139 0000 4444' } });
    const n = created.body.number as number;
    expect((await a1.patch(`/api/tickets/${n}`).send({ subject: '燃气灶打火困难' })).status).toBe(200);
    const search = app.c.modules.find((m) => m.name === 'search') as unknown as { tickets: { rebuild(T: unknown, M: unknown): Promise<unknown> } };
    await search.tickets.rebuild(app.c.models.Ticket, app.c.models.Message);
    expect(numbers(await a1.get('/api/tickets').query({ q: '燃气灶' }))).toContain(n);
    expect(numbers(await a1.get('/api/tickets').query({ q: '热水器' }))).not.toContain(n);
  });
});
