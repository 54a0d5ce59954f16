import { MovableClock } from '../../src/infra/clock';
import type { WorkOrdersModule } from '../../src/modules/workorders/workorders.module';
import { nextEvent, startTestApp, TestApp } from '../helpers/harness';

type WO = { id: string; number: string; status: string; team: string; engineer: { id: string; name: string } | null; window: { start: string; end: string } | null; sla: { onSite: { dueAt: string | null; status: string } | null }; events: { type: string; at: string; by: { name: string } }[]; next: string[]; visit: number };

/**
 * Work orders on the real stores: the whole state machine with a repeated and an out-of-order step,
 * team scoping (an engineer of another team sees nothing), the socket event and the ticket timeline.
 */
describe('work orders', () => {
  let app: TestApp;
  let sup: Awaited<ReturnType<TestApp['as']>>;
  let eng1: Awaited<ReturnType<TestApp['as']>>;
  let eng2: Awaited<ReturnType<TestApp['as']>>;
  let north: Awaited<ReturnType<TestApp['as']>>;
  let engineer1: string;
  let ticket: number;

  const win = (h: number, len = 2) => {
    const start = new Date(Date.UTC(2031, 2, 3, h)); // a Monday, 09:00 in Shanghai at h = 1
    return { start: start.toISOString(), end: new Date(start.getTime() + len * 3600_000).toISOString() };
  };
  let n = 0;
  const step = (who: typeof sup, id: string, type: string, extra: object = {}) => who.post(`/api/work-orders/${id}/events`).send({ type, clientId: `c-${++n}-${type}`, ...extra });

  beforeAll(async () => {
    const clock = new MovableClock();
    clock.set('2031-03-03T01:00:00Z');
    app = await startTestApp({ clock });
    const admin = await app.as('admin@demo.local');
    expect((await admin.post('/api/teams').send({ key: 'field-north', name: 'Field north', nameZh: '北区现场' })).status).toBe(201);
    expect((await admin.post('/api/agents').send({ name: 'Sun Li', email: 'engineer3@demo.local', password: 'demo-password', role: 'engineer', teams: ['field-north'] })).status).toBe(201);
    [sup, eng1, eng2, north] = await Promise.all(['supervisor@demo.local', 'engineer1@demo.local', 'engineer2@demo.local', 'engineer3@demo.local'].map((e) => app.as(e)));
    engineer1 = String((await app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    ticket = (await app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
  });
  afterAll(() => app.close());

  it('walks new → scheduled → dispatched → accepted → en_route → on_site → completed, refusing steps that do not follow', async () => {
    const created = await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '空调不制冷，E4', address: '上海市浦东新区世纪大道 100 号 12 楼' });
    expect(created.status).toBe(201);
    const wo: WO = created.body;
    expect(wo).toMatchObject({ number: expect.stringMatching(/^WO-\d{6}$/), status: 'new', team: 'field', engineer: null, window: null, payment: { required: false, status: 'none' }, sla: { onSite: null } });

    expect((await step(eng1, wo.id, 'accept')).status).toBe(403); // not assigned, not a dispatcher
    const scheduled = await sup.patch(`/api/work-orders/${wo.id}`).send({ window: win(2) });
    expect(scheduled.body.status).toBe('scheduled');

    const socket = await app.agentSocket('engineer1@demo.local');
    const pushed = nextEvent<{ id: string; status: string; engineer: { id: string } }>(socket, 'workorder:updated', (p) => p.id === wo.id && p.status === 'dispatched');
    const dispatched = await sup.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1 });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body).toMatchObject({ status: 'dispatched', engineer: { id: engineer1, name: 'Zhou Qiang (周强)' }, sla: { onSite: { status: 'active' } } });
    expect(await pushed).toMatchObject({ number: wo.number, engineer: { id: engineer1 } });

    const early = await step(eng1, wo.id, 'arrive');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('invalid_transition');
    expect((await step(eng2, wo.id, 'accept')).status).toBe(403); // a team mate's work order: seen, not theirs to work

    const accept = { type: 'accept', clientId: 'phone-accept-0001' };
    const first = await eng1.post(`/api/work-orders/${wo.id}/events`).send(accept);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('accepted');
    const again = await eng1.post(`/api/work-orders/${wo.id}/events`).send(accept);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.status).toBe('accepted');
    expect(again.body.events.length).toBe(first.body.events.length);
    expect(again.body.updatedAt).toBe(first.body.updatedAt);

    expect((await step(eng1, wo.id, 'depart')).body.status).toBe('en_route');
    expect((await sup.patch(`/api/work-orders/${wo.id}`).send({ window: win(5) })).body.error.code).toBe('invalid_transition'); // on the way: no re-planning
    const arrived = await step(eng1, wo.id, 'arrive');
    expect(arrived.body).toMatchObject({ status: 'on_site', sla: { onSite: { status: 'hit' } } });
    expect((await step(eng1, wo.id, 'accept')).body.error.code).toBe('invalid_transition');
    const done = await step(eng1, wo.id, 'complete');
    expect(done.body.status).toBe('completed');
    expect(done.body.next).toEqual([]);
    expect((await step(sup, wo.id, 'cancel')).body.error.code).toBe('invalid_transition');
    expect(done.body.events.map((e: { type: string }) => e.type)).toEqual(['created', 'scheduled', 'dispatched', 'accept', 'depart', 'arrive', 'complete']);
    expect(done.body.events.every((e: { at: string; by: { name: string } }) => e.at && e.by.name)).toBe(true);
    // lookup rows (no scans): the ticket and the day keep it, the engineer's open work orders no longer do
    const rows = app.c.conn.collection<{ _id: string; ids: unknown[] }>('workorderindexes');
    const has = async (key: string) => ((await rows.findOne({ _id: key }))?.ids ?? []).map(String).includes(wo.id);
    expect(await has(`ticket:${ticket}`)).toBe(true);
    expect(await has('day:field:2031-03-03')).toBe(true);
    expect(await has(`open:${engineer1}`)).toBe(false);
    expect(await has('pool:field')).toBe(false);

    // every change is on the ticket's timeline, by type
    const timeline = await sup.get(`/api/tickets/${ticket}/messages`);
    const types = timeline.body.messages.filter((m: { kind: string }) => m.kind === 'event').map((m: { event: { type: string } }) => m.event.type);
    expect(types).toEqual(expect.arrayContaining(['workorder.created', 'workorder.scheduled', 'workorder.dispatched', 'workorder.accept', 'workorder.depart', 'workorder.arrive', 'workorder.complete']));
    const ev = timeline.body.messages.find((m: { event?: { type: string } }) => m.event?.type === 'workorder.dispatched');
    expect(ev.event.data).toMatchObject({ number: wo.number, engineer: 'Zhou Qiang (周强)' });
  });

  it('reject returns a work order to the pool; cannot_complete needs a reason; a second visit is a revisit', async () => {
    const wo: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'Revisit: still E4', address: '上海市浦东新区世纪大道 100 号 12 楼', window: win(3), engineer: engineer1 })).body;
    expect(wo).toMatchObject({ status: 'dispatched', visit: 2 });
    const rejected = await step(eng1, wo.id, 'reject', { reason: 'van broken down' });
    expect(rejected.body).toMatchObject({ status: 'scheduled', engineer: null });
    const pool = await sup.get(`/api/work-orders?team=field&engineer=none&status=scheduled`);
    expect(pool.body.workOrders.map((w: WO) => w.id)).toContain(wo.id);
    await sup.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1 });
    await step(eng1, wo.id, 'accept');
    expect((await step(eng1, wo.id, 'cannot_complete')).status).toBe(400);
    const failed = await step(eng1, wo.id, 'cannot_complete', { reason: 'part_missing' });
    expect(failed.body).toMatchObject({ status: 'cannot_complete', outcome: { reason: 'part_missing' } });
  });

  it('an engineer of another team cannot see a work order; a ticket team\'s agent can, but cannot dispatch it', async () => {
    const wo: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'inspection', description: 'Check the outdoor unit', address: '上海市浦东新区世纪大道 100 号' })).body;
    const denied = await north.get(`/api/work-orders/${wo.id}`);
    expect(denied.status).toBe(404); // like a missing one: another team's work order is not even confirmed to exist
    expect(denied.body.error.code).toBe('not_found');
    expect((await north.get('/api/work-orders?limit=200')).body.workOrders).toEqual([]);
    expect((await north.get('/api/work-orders?team=field')).status).toBe(403);
    expect((await north.get('/api/dispatch/board?date=2031-03-03&team=field')).status).toBe(403);
    expect((await step(north, wo.id, 'cancel')).status).toBe(404);
    expect((await north.patch(`/api/work-orders/${wo.id}`).send({ emergency: true })).status).toBe(404);

    expect((await eng2.get(`/api/work-orders/${wo.id}`)).status).toBe(200); // same team
    const agent1 = await app.as('agent1@demo.local'); // the ticket's team (tech)
    expect((await agent1.get(`/api/work-orders/${wo.id}`)).status).toBe(200);
    expect((await agent1.patch(`/api/work-orders/${wo.id}`).send({ window: win(4) })).status).toBe(403);
    const agent2 = await app.as('agent2@demo.local'); // complaints and returns
    expect((await agent2.get(`/api/work-orders/${wo.id}`)).status).toBe(404);
    expect((await agent2.get(`/api/work-orders?ticket=${ticket}`)).body.workOrders).toEqual([]);
    expect((await sup.get('/api/work-orders/aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);

    const cancelled = await step(sup, wo.id, 'cancel', { reason: 'customer fixed it' });
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('the dispatch board shows engineers by row, the day\'s work orders and the pool, with the team\'s hours', async () => {
    const pooled: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'maintenance', description: 'Yearly service', address: '上海市徐汇区' })).body;
    const direct: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'installation', description: 'New unit', address: '上海市徐汇区', engineer: engineer1, window: win(6) })).body; // planned at once
    const board = await sup.get('/api/dispatch/board?date=2031-03-03&team=field');
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ date: '2031-03-03', team: 'field', timeZone: 'Asia/Shanghai' });
    expect(board.body.engineers.map((e: { name: string }) => e.name)).toEqual(['Mark Evans', 'Zhou Qiang (周强)']);
    const zhou = board.body.engineers.find((e: { id: string }) => e.id === engineer1);
    expect(zhou.workOrders.map((w: WO) => w.id)).toContain(direct.id);
    expect(board.body.unassigned.map((w: WO) => w.id)).toContain(pooled.id);
    expect(board.body.hours).toEqual([
      { start: '2031-03-03T01:00:00.000Z', end: '2031-03-03T04:00:00.000Z' },
      { start: '2031-03-03T05:30:00.000Z', end: '2031-03-03T10:00:00.000Z' },
    ]);
    const mine = await eng1.get('/api/work-orders?engineer=me&from=2031-03-03T00:00:00Z&to=2031-03-04T00:00:00Z');
    expect(mine.body.workOrders.length).toBeGreaterThanOrEqual(1);
    expect(mine.body.workOrders.every((w: WO) => w.engineer?.id === engineer1)).toBe(true);
  });

  it('links the ticket\'s unit with a warranty snapshot; an out-of-warranty repair reaches dispatched only once paid (409 payment_required)', async () => {
    const manager = await app.as('manager@demo.local');
    const inWarranty: WO & { unitId: string; warranty: { status: string; serial: string } } = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'E4', address: '上海' })).body;
    expect(inWarranty.unitId).toBeTruthy();
    expect(inWarranty.warranty).toMatchObject({ status: 'in', serial: 'AC35-2024-001982' });
    expect(inWarranty).toMatchObject({ payment: { required: false, status: 'none' } });

    const leak = (await app.c.models.Ticket.findOne({ subject: /Washer leaking/ }))!;
    expect(leak.unitId).toBeTruthy();
    const refused = await manager.post(`/api/tickets/${leak.number}/work-orders`).send({ kind: 'repair', description: 'Leaking again', address: '14 Kings Road, London', engineer: engineer1, window: win(6) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('payment_required');
    const wo = (await manager.post(`/api/tickets/${leak.number}/work-orders`).send({ kind: 'repair', description: 'Leaking again', address: '14 Kings Road, London', window: win(6) })).body;
    expect(wo).toMatchObject({ status: 'scheduled', warranty: { status: 'out' }, payment: { required: true, status: 'awaiting' } });
    const blocked = await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1 });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('payment_required');
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body).toMatchObject({ status: 'scheduled', engineer: null });
    await (app.c.modules.find((m) => m.name === 'workorders') as WorkOrdersModule).workOrders.paymentCleared(wo.id, 'quote-1', { type: 'agent', name: 'Cashier' }); // what the quotes module will call
    const paid = await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1 });
    expect(paid.body).toMatchObject({ status: 'dispatched', payment: { required: true, quoteId: 'quote-1', status: 'paid' } });
    // an inspection costs nothing: no payment needed even out of warranty
    expect((await manager.post(`/api/tickets/${leak.number}/work-orders`).send({ kind: 'inspection', description: 'Look', address: 'London', engineer: engineer1, window: win(8) })).body.status).toBe('dispatched');
  });

  it('keeps a change whose effects failed, and the sweeper runs them again after the grace, once each', async () => {
    const module = app.c.modules.find((m) => m.name === 'workorders') as WorkOrdersModule;
    const seen: { number: string; kind: string; to: string }[] = [];
    let failing = true;
    // a listener that fails on its first run (as a store or Redis refusing at that instant would)
    module.workOrders.observe(async (w, change) => {
      seen.push({ number: w.number, kind: change.kind, to: change.to });
      if (failing && change.to === 'scheduled') {
        failing = false;
        throw new Error('refused at that instant');
      }
    });
    const wo: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '热水器点不着火', address: '上海市徐汇区漕溪北路 1 号' })).body;
    const planned = await sup.patch(`/api/work-orders/${wo.id}`).send({ window: win(6) });
    expect(planned.status).toBe(200); // the write stands; only an effect failed
    const journal = async () => ((await app.c.conn.collection('workorders').findOne({ number: wo.number }))!.pendingEffects as { rev: number; change: { kind: string; to: string } }[]);
    expect((await journal()).map((p) => p.change.to)).toEqual(['scheduled']);

    // within the grace the sweeper leaves it to the write's own run
    expect(await module.workOrders.redrive()).toEqual({ redriven: 0, failed: 0 });
    (app.c.clock as MovableClock).advance(3 * 60_000);
    const again = await module.workOrders.redrive();
    expect(again.failed).toBe(0);
    expect(await journal()).toEqual([]);
    expect(seen.filter((x) => x.number === wo.number && x.to === 'scheduled').length).toBeGreaterThanOrEqual(2);
    // the effects run again are idempotent: one timeline line for the change
    const timeline = await sup.get(`/api/tickets/${ticket}/messages`);
    const lines = timeline.body.messages.filter((m: { event?: { type: string; data: { number: string } } }) => m.event?.type === 'workorder.scheduled' && m.event.data.number === wo.number);
    expect(lines).toHaveLength(1);
  });

  it('every work order route is in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/openapi.json')).body;
    for (const [path, method] of [
      ['/api/tickets/{number}/work-orders', 'post'], ['/api/work-orders', 'get'], ['/api/work-orders/{id}', 'get'], ['/api/work-orders/{id}', 'patch'],
      ['/api/work-orders/{id}/events', 'post'], ['/api/dispatch/board', 'get'], ['/api/work-orders/{id}/report', 'post'], ['/api/work-orders/{id}/report', 'put'],
      ['/api/work-orders/{id}/report.pdf', 'get'], ['/api/work-orders/{id}/photos', 'post'], ['/api/work-orders/{id}/photos/{photoId}', 'get'],
    ]) expect({ path, method, documented: !!doc.paths[path]?.[method] }).toEqual({ path, method, documented: true });
    expect(doc.paths['/api/work-orders/{id}/events'].post.requestBody.content['application/json'].schema.properties.type.enum).toEqual(['accept', 'reject', 'depart', 'arrive', 'complete', 'cannot_complete', 'cancel']);
  });

  it('refuses bad input with clear errors and changes nothing', async () => {
    const wo: WO = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'x', address: 'y' })).body;
    for (const [body, code] of [
      [{ window: { start: '2031-03-03T05:00:00Z', end: '2031-03-03T04:00:00Z' } }, 400],
      [{ engineer: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, 400],
      [{ nonsense: true }, 400],
      [{}, 400],
    ] as const) {
      const res = await sup.patch(`/api/work-orders/${wo.id}`).send(body);
      expect(res.status).toBe(code);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'teleport', description: 'x', address: 'y' })).status).toBe(400);
    expect((await step(sup, wo.id, 'fly')).status).toBe(400);
    expect((await sup.post(`/api/work-orders/${wo.id}/events`).send({ type: 'cancel' })).status).toBe(400); // no clientId
    expect((await step(sup, wo.id, 'cancel', { at: '2031-03-05T00:00:00Z' })).status).toBe(400); // in the future
    expect((await sup.get(`/api/work-orders/${wo.id}`)).body).toMatchObject({ status: 'new', events: [{ type: 'created' }] });
  });
});
