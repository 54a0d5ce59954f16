import type { MovableClock } from '../../src/infra/clock';
import type { UnitsModule } from '../../src/modules/units/units.module';
import { startTestApp, TestApp } from '../helpers/harness';

describe('products, units and warranty (三包)', () => {
  let app: TestApp;
  let clock: MovableClock;
  beforeAll(async () => {
    app = await startTestApp();
    clock = app.clock as MovableClock;
  });
  afterAll(() => app.close());

  const customerOf = async (email: string) => (await app.c.customers.findByContact({ email }))!;

  it('keeps a catalogue that managers write and agents read', async () => {
    const mgr = await app.as('manager@demo.local');
    const a1 = await app.as('agent1@demo.local');
    const list = await a1.get('/api/products');
    expect(list.status).toBe(200);
    expect(list.body.products.map((p: { model: string }) => p.model)).toEqual(['AC-3500', 'DW-600', 'WM-800']);
    expect(list.body.products[0]).toMatchObject({ name: { en: 'AC-3500 air conditioner', 'zh-CN': 'AC-3500 空调' }, warrantyMonths: 12, returnDays: 7, exchangeDays: 15, maintenance: { firstAfterMonths: 6, everyMonths: 12 } });

    const body = { model: 'RF-450', name: { en: 'RF-450 Fridge', 'zh-CN': 'RF-450 冰箱' }, category: 'refrigeration', warrantyMonths: 36 };
    expect((await a1.post('/api/products').send(body)).status).toBe(403);
    const created = await mgr.post('/api/products').send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ model: 'RF-450', returnDays: 7, exchangeDays: 15, maintenance: null, active: true });
    const again = await mgr.post('/api/products').send(body);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_model');
    const put = await mgr.put('/api/products/RF-450').send({ ...body, returnDays: 10, exchangeDays: 20 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ returnDays: 10, exchangeDays: 20 });
    const bad = await mgr.put('/api/products/RF-450').send({ ...body, returnDays: 30, exchangeDays: 20 });
    expect(bad.status).toBe(400);
    const { model: _model, ...terms } = body;
    expect((await mgr.put('/api/products/NOPE-1').send(terms)).status).toBe(404);
    const renamed = await mgr.put('/api/products/RF-450').send({ ...body, model: 'RF-451' });
    expect(renamed.status).toBe(400);
    const openapi = (await app.http().get('/api/openapi.json')).body;
    for (const p of ['/api/products', '/api/products/{model}', '/api/customers/{id}/units', '/api/units', '/api/units/{id}/warranty']) expect(openapi.paths[p]).toBeDefined();
  });

  it('registers units, refuses a serial twice for the same model, and finds a unit by serial', async () => {
    const a1 = await app.as('agent1@demo.local');
    const raj = await customerOf('raj.patel@example.com');
    const reg = await a1.post(`/api/customers/${raj._id}/units`).send({ model: 'AC-3500', serial: 'ac35-2025-000777', purchaseDate: '2025-05-01', purchasedFrom: 'Currys' });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ customerId: String(raj._id), model: 'AC-3500', serial: 'AC35-2025-000777', purchaseDate: '2025-04-30T16:00:00.000Z', purchasedFrom: 'Currys', product: { name: { en: 'AC-3500 air conditioner' } } });

    // the same serial (in any spelling) of the same model, on any customer: 409
    const zhang = await customerOf('zhang.wei@example.cn');
    const dup = await a1.post(`/api/customers/${zhang._id}/units`).send({ model: 'AC-3500', serial: ' AC35-2025-000777 ', purchaseDate: '2025-05-02' });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'duplicate_serial', details: { model: 'AC-3500', serial: 'AC35-2025-000777' } });
    expect((await a1.get(`/api/customers/${zhang._id}/units`)).body.units.map((u: { serial: string }) => u.serial)).toEqual(['AC35-2024-001982']);
    // the same serial on another model is another unit
    const other = await a1.post(`/api/customers/${zhang._id}/units`).send({ model: 'WM-800', serial: 'AC35-2025-000777', purchaseDate: '2025-05-02' });
    expect(other.status).toBe(201);

    const ambiguous = await a1.get('/api/units?serial=AC35-2025-000777');
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.error).toMatchObject({ code: 'ambiguous_serial', details: { models: ['AC-3500', 'WM-800'] } });
    const found = await a1.get('/api/units?serial=ac35-2025-000777&model=AC-3500');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: reg.body.id, customerId: String(raj._id) });
    expect(found.body.warranty).toEqual(expect.objectContaining({ status: expect.stringMatching(/^(in|out)$/), until: '2026-05-01T15:59:59.999Z', entitlement: expect.any(Array) }));
    expect((await a1.get('/api/units?serial=NO-SUCH-SERIAL')).status).toBe(404);

    const unknownModel = await a1.post(`/api/customers/${raj._id}/units`).send({ model: 'XX-1', serial: 'X1', purchaseDate: '2025-05-01' });
    expect(unknownModel.status).toBe(422);
    expect(unknownModel.body.error.code).toBe('unknown_model');
    const future = await a1.post(`/api/customers/${raj._id}/units`).send({ model: 'AC-3500', serial: 'F1', purchaseDate: new Date(clock.now().getTime() + 3 * 86400_000).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body.error.code).toBe('purchase_in_future');
    const badSerial = await a1.post(`/api/customers/${raj._id}/units`).send({ model: 'AC-3500', serial: '<script>', purchaseDate: '2025-05-01' });
    expect(badSerial.status).toBe(400);
    expect((await a1.post('/api/customers/000000000000000000000000/units').send({ model: 'AC-3500', serial: 'Z1', purchaseDate: '2025-05-01' })).status).toBe(404);
  });

  it('judges entitlement through the API at the 三包 boundaries, counted in Shanghai days across UTC midnight', async () => {
    const a1 = await app.as('agent1@demo.local');
    const tom = await customerOf('tom.becker@example.org');
    // bought at 00:30 on 1 March in Shanghai: still 29 February in UTC
    const reg = await a1.post(`/api/customers/${tom._id}/units`).send({ model: 'DW-600', serial: 'DW6-BOUNDARY-1', purchaseDate: '2024-03-01T00:30:00+08:00' });
    expect(reg.status).toBe(201);
    const at = async (instant: string) => {
      clock.set(instant);
      return (await a1.get(`/api/units/${reg.body.id}`)).body.warranty;
    };
    try {
      expect(await at('2024-02-29T16:45:00Z')).toMatchObject({ daysSincePurchase: 0, entitlement: ['return', 'exchange', 'repair'] });
      expect(await at('2024-03-08T15:59:59Z')).toMatchObject({ daysSincePurchase: 7, entitlement: ['return', 'exchange', 'repair'] });
      expect(await at('2024-03-08T16:00:00Z')).toMatchObject({ daysSincePurchase: 8, entitlement: ['exchange', 'repair'] });
      const day9 = await at('2024-03-10T02:00:00Z');
      expect(day9.reason).toEqual({ code: 'exchange_window', days: 9, en: 'purchased 9 days ago: exchange or repair', 'zh-CN': '购买 9 天：可换货或维修' });
      expect(await at('2024-03-16T15:59:59Z')).toMatchObject({ daysSincePurchase: 15, entitlement: ['exchange', 'repair'] });
      expect(await at('2024-03-16T16:00:00Z')).toMatchObject({ daysSincePurchase: 16, status: 'in', entitlement: ['repair'] });
      // DW-600: 24 months; the last warranty day is 1 March 2026 in Shanghai
      expect(await at('2026-03-01T15:59:59Z')).toMatchObject({ status: 'in', lastDay: '2026-03-01', entitlement: ['repair'] });
      expect(await at('2026-03-01T16:00:00Z')).toMatchObject({ status: 'out', entitlement: ['paid_repair'], reason: { code: 'out_of_warranty' } });
    } finally {
      clock.set(new Date());
    }
  });

  it('lets only warranty technicians, their supervisors and managers override, with a reason, audited', async () => {
    const emma = await customerOf('emma.clarke@example.com');
    const mgr = await app.as('manager@demo.local');
    const [washer] = (await mgr.get(`/api/customers/${emma._id}/units`)).body.units;
    expect(washer.warranty).toMatchObject({ status: 'out', entitlement: ['paid_repair'] });
    expect(washer.warranty.override).toBeUndefined();
    // Emma's complaint goes to the warranty team as a claim: now both teams see her and her washer
    const claim = await mgr.post('/api/tickets').send({ channel: 'voice', subject: 'Warranty claim: drum bearing', body: 'Bearing noise again', customer: { name: 'Emma Clarke' }, type: 'warranty', team: 'warranty', unitId: washer.id });
    expect(claim.status).toBe(201);
    await app.c.agents.create({ name: 'Complaints Lead', email: 'complaints.lead@demo.local', password: 'demo-password', role: 'supervisor', teams: ['complaints'] });
    await app.c.agents.create({ name: 'Warranty Lead', email: 'warranty.lead@demo.local', password: 'demo-password', role: 'supervisor', teams: ['warranty'] });

    const agent2 = await app.as('agent2@demo.local'); // complaints, returns: sees the washer, may not decide
    const refused = await agent2.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: 'customer is unhappy' });
    expect(refused.status).toBe(403);
    const otherLead = await app.as('complaints.lead@demo.local'); // leads a team that sees her, not warranty
    expect((await otherLead.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: 'customer is unhappy' })).status).toBe(403);
    const a1 = await app.as('agent1@demo.local'); // support, tech: does not see Emma at all
    expect((await a1.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: 'customer is unhappy' })).status).toBe(404);
    expect((await a1.get(`/api/units/${washer.id}`)).status).toBe(404);
    expect((await a1.get(`/api/units?serial=${washer.serial}`)).status).toBe(404);
    const tech = await app.as('warranty@demo.local');
    const noReason = await tech.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in' });
    expect(noReason.status).toBe(400);
    const blank = await tech.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: '  ' });
    expect(blank.status).toBe(400);
    expect((await agent2.get(`/api/units/${washer.id}`)).body.warranty.status).toBe('out');

    const decided = await tech.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: 'Drum bearing: known batch defect, free repair' });
    expect(decided.status).toBe(200);
    expect(decided.body.warranty).toMatchObject({
      status: 'in',
      entitlement: ['repair'],
      override: { status: 'in', reason: 'Drum bearing: known batch defect, free repair', by: { name: 'Zhou Qiang (周强)' } },
      computed: { status: 'out', entitlement: ['paid_repair'] },
    });
    // everyone who sees the unit sees the decision beside the computed status
    expect((await agent2.get(`/api/units/${washer.id}`)).body.warranty).toMatchObject({ status: 'in', computed: { status: 'out' } });
    // the warranty team's supervisor may decide too
    const lead = await app.as('warranty.lead@demo.local');
    expect((await lead.patch(`/api/units/${washer.id}/warranty`).send({ status: 'in', reason: 'Confirmed with R&D: batch 2021-07' })).status).toBe(200);

    const back = await mgr.patch(`/api/units/${washer.id}/warranty`).send({ status: null, reason: 'Batch defect not confirmed after all' });
    expect(back.status).toBe(200);
    expect(back.body.warranty.status).toBe('out');
    expect(back.body.warranty.override).toBeUndefined();

    const history = (await agent2.get(`/api/units/${washer.id}/history`)).body.entries;
    expect(history.map((h: { action: string }) => h.action)).toEqual(['registered', 'warranty_override', 'warranty_override', 'warranty_override_cleared']);
    expect(history[1]).toMatchObject({ actor: { type: 'agent', name: 'Zhou Qiang (周强)' }, changes: { status: [null, 'in'] }, reason: 'Drum bearing: known batch defect, free repair' });
    expect(history[2]).toMatchObject({ actor: { name: 'Warranty Lead' }, changes: { status: ['in', 'in'] }, reason: 'Confirmed with R&D: batch 2021-07' });
    expect(history[3]).toMatchObject({ actor: { name: 'Wang Min (王敏)' }, changes: { status: ['in', null] }, reason: 'Batch defect not confirmed after all' });
  });

  it('links a ticket to one unit of its customer, on creation or later, and shows the unit on the ticket', async () => {
    const a1 = await app.as('agent1@demo.local');
    const zhang = await customerOf('zhang.wei@example.cn');
    const [ac] = (await a1.get(`/api/customers/${zhang._id}/units`)).body.units;
    // the demo's first ticket is about Zhang's air conditioner
    const demo = (await a1.get(`/api/tickets?customer=${zhang._id}`)).body.tickets[0];
    expect(demo.unitId).toBe(ac.id);
    const shown = (await a1.get(`/api/tickets/${demo.number}`)).body;
    expect(shown.unit).toMatchObject({ id: ac.id, serial: 'AC35-2024-001982', warranty: { status: 'in', entitlement: ['repair'] } });

    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: '空调漏水', body: '室内机漏水', customer: { name: '张伟' }, type: 'fault', team: 'tech', unitId: ac.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ unitId: ac.id, customer: { id: String(zhang._id) }, product: { model: 'AC-3500', serial: 'AC35-2024-001982' } });
    expect((await a1.get(`/api/units/${ac.id}`)).body.tickets).toEqual([demo.number, created.body.number]);

    const plain = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Noise', body: 'It hums', customer: { name: '张伟', phone: '+86 138 0013 8000' }, team: 'tech' });
    expect(plain.body.unitId).toBeNull();
    const linked = await a1.patch(`/api/tickets/${plain.body.number}`).send({ unitId: ac.id });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ unitId: ac.id, product: { model: 'AC-3500', serial: 'AC35-2024-001982' } });
    const audit = (await a1.get(`/api/tickets/${plain.body.number}/audit`)).body.entries;
    expect(audit.at(-1)).toMatchObject({ action: 'updated', changes: { unitId: [null, ac.id] } });

    // a unit of someone else is refused, and nothing changes
    const rajsAc = (await a1.get('/api/units?serial=AC35-2025-000777&model=AC-3500')).body;
    const wrong = await a1.patch(`/api/tickets/${plain.body.number}`).send({ unitId: rajsAc.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('unit_of_other_customer');
    expect((await a1.get(`/api/tickets/${plain.body.number}`)).body.unitId).toBe(ac.id);
    expect((await a1.patch(`/api/tickets/${plain.body.number}`).send({ unitId: '000000000000000000000000' })).status).toBe(404);
    const unlinked = await a1.patch(`/api/tickets/${plain.body.number}`).send({ unitId: null });
    expect(unlinked.body.unitId).toBeNull();
  });

  it('migrates customers\' products into units once, idempotently, and moves units with a merged customer', async () => {
    const now = clock.now().getTime();
    const DAY = 86400_000;
    const legacy = await app.c.models.Customer.create({
      name: 'Old Record',
      emails: ['old.record@example.com'],
      products: [
        { model: 'AC-3500 空调', serial: 'AC35-LEGACY-1', purchaseDate: new Date(now - 10 * DAY), warrantyExpires: new Date(now + 355 * DAY) },
        { model: 'TD-200 Dryer', serial: 'TD2-LEGACY-2', purchaseDate: new Date(now - 800 * DAY), warrantyExpires: new Date(now - 70 * DAY) },
        { model: 'WM-800 Washer' },
      ],
    });
    await app.c.models.Counter.deleteOne({ _id: 'migration:customer-products-to-units' }); // the start-up run marked this database done
    const units = app.c.modules.find((m) => m.name === 'units') as UnitsModule;
    const first = await units.migrate();
    expect(first).toEqual({ skipped: false, units: 3, kept: 0 });
    // a crash after the units but before the marker: the next run registers nothing twice
    await app.c.models.Counter.deleteOne({ _id: 'migration:customer-products-to-units' });
    await app.c.models.Customer.updateOne({ _id: legacy._id }, { $set: { products: legacy.products } });
    expect(await units.migrate()).toEqual({ skipped: false, units: 3, kept: 0 });
    expect(await units.migrate()).toEqual({ skipped: true, units: 0, kept: 0 });

    const a1 = await app.as('admin@demo.local'); // the old record has no tickets: no team sees it
    const got = (await a1.get(`/api/customers/${legacy._id}/units`)).body.units;
    expect(got).toHaveLength(3);
    expect(got[0]).toMatchObject({ model: 'AC-3500', serial: 'AC35-LEGACY-1', warranty: { status: 'in', daysSincePurchase: 10, entitlement: ['exchange', 'repair'] } });
    expect(got[1]).toMatchObject({ model: 'TD-200 Dryer', product: null, warranty: { status: 'out', entitlement: ['paid_repair'] } });
    expect(got[2]).toMatchObject({ model: 'WM-800', serial: expect.stringMatching(/^LEGACY-[0-9A-F]{24}$/), purchaseDate: null });
    expect((await app.c.models.Customer.findById(legacy._id))!.products).toHaveLength(0);
    expect((await a1.get(`/api/units/${got[0].id}/history`)).body.entries[0]).toMatchObject({ action: 'migrated', changes: { from: 'AC-3500 空调' } });

    // merging the old record into Raj's moves the units
    const raj = await customerOf('raj.patel@example.com');
    const mgr = await app.as('manager@demo.local');
    expect((await mgr.post(`/api/customers/${raj._id}/merge`).send({ from: String(legacy._id) })).status).toBe(200);
    const rajUnits = (await a1.get(`/api/customers/${raj._id}/units`)).body.units.map((u: { serial: string }) => u.serial);
    expect(rajUnits).toEqual(expect.arrayContaining(['AC35-LEGACY-1', 'TD2-LEGACY-2']));
    expect((await a1.get('/api/units?serial=AC35-LEGACY-1')).body.customerId).toBe(String(raj._id));
    // the merged-away record answers for the one it went into
    expect((await a1.get(`/api/customers/${legacy._id}/units`)).body.units.map((u: { serial: string }) => u.serial)).toEqual(expect.arrayContaining(['AC35-LEGACY-1', 'TD2-LEGACY-2']));
    expect((await a1.get('/api/customers/000000000000000000000000/units')).status).toBe(404);
  });
});
