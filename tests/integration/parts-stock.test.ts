import { MovableClock } from '../../src/infra/clock';
import type { PartsModule } from '../../src/modules/parts/parts.module';
import { eventually, nextEvent, TestApp } from '../helpers/harness';
import { startSink } from '../fixtures/mail/sink';
import { appSuite } from '../helpers/app-suite';

type Row = { sku: string; location: string; condition: string; onHand: number; reserved: number; available: number };
type Move = { ref: string; state: string; legs: { location: string; condition: string; onHand: number; reserved: number; available: number }[] };

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * Parts and stock on the real stores: the catalogue, the idempotent ledger under concurrency, the
 * sweeper's repair of a move cut off halfway, and a work order's parts from reservation to the
 * report's consumption, the release, and the old part coming back.
 */
describe('parts and stock', () => {
  const clock = new MovableClock();
  clock.set('2031-03-03T01:00:00Z');
  const suite = appSuite({ app: { clock }, mail: startSink });
  let manager: Awaited<ReturnType<TestApp['as']>>;
  let sup: Awaited<ReturnType<TestApp['as']>>;
  let eng: Awaited<ReturnType<TestApp['as']>>;
  let agent1: Awaited<ReturnType<TestApp['as']>>;
  let engineer1: string;
  let van: string;
  let ticket: number;
  const mod = () => suite.app.c.modules.find((m) => m.name === 'parts') as PartsModule;

  const stockOf = async (sku: string, location: string, condition = 'new'): Promise<Row> => {
    const rows: Row[] = (await agent1.get(`/api/stock?sku=${sku}&location=${encodeURIComponent(location)}&condition=${condition}`)).body.stock;
    return rows[0] ?? { sku, location, condition, onHand: 0, reserved: 0, available: 0 };
  };
  /** every row equals the sum of the applied moves' legs on it */
  const ledgerMatchesStock = async (sku: string) => {
    const moves: (Move & { state: string })[] = (await agent1.get(`/api/stock/moves?sku=${sku}&limit=500`)).body.moves;
    const sums = new Map<string, Omit<Row, 'sku' | 'location' | 'condition'>>();
    for (const m of moves.filter((x) => x.state === 'applied')) {
      for (const l of m.legs) {
        const k = `${l.location}|${l.condition}`;
        const s = sums.get(k) ?? { onHand: 0, reserved: 0, available: 0 };
        sums.set(k, { onHand: s.onHand + l.onHand, reserved: s.reserved + l.reserved, available: s.available + l.available });
      }
    }
    const rows: Row[] = (await agent1.get(`/api/stock?sku=${sku}`)).body.stock;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect({ where: `${r.location}|${r.condition}`, onHand: r.onHand, reserved: r.reserved, available: r.available }).toEqual({ where: `${r.location}|${r.condition}`, ...(sums.get(`${r.location}|${r.condition}`) ?? { onHand: 0, reserved: 0, available: 0 }) });
    for (const r of rows) expect(r.available).toBe(r.onHand - r.reserved);
  };
  const workOrder = async () => {
    const start = new Date(clock.now().getTime() + 3600_000);
    const res = await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '空调不制冷 E4', address: '上海市浦东新区世纪大道 100 号', engineer: engineer1, window: { start: start.toISOString(), end: new Date(start.getTime() + 7200_000).toISOString() } });
    expect(res.status).toBe(201);
    return res.body as { id: string; number: string; status: string };
  };

  beforeAll(async () => {
    [manager, sup, eng, agent1] = await Promise.all(['manager@demo.local', 'supervisor@demo.local', 'engineer1@demo.local', 'agent1@demo.local'].map((e) => suite.app.as(e)));
    engineer1 = String((await suite.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    van = `engineer:${engineer1}`;
    ticket = (await suite.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
  });

  it('keeps a catalogue searched by sku, either name and model, in integer fen; only managers write it', async () => {
    const part = { sku: 'TST-VALVE-1', name: { en: 'Expansion valve', 'zh-CN': '膨胀阀' }, models: ['AC-3500'], price: 12345 };
    expect((await agent1.post('/api/parts').send(part)).status).toBe(403);
    const created = await manager.post('/api/parts').send(part);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...part, currency: 'CNY', returnable: true });
    expect((await manager.post('/api/parts').send(part)).status).toBe(409);
    expect((await manager.post('/api/parts').send({ ...part, sku: 'TST-X', price: 12.5 })).status).toBe(400); // fen are whole
    for (const q of ['q=膨胀', 'q=expansion', 'q=tst-valve', 'model=AC-3500']) {
      const found = (await agent1.get(`/api/parts?${encodeURI(q)}`)).body.parts.map((p: { sku: string }) => p.sku);
      expect(found).toContain('TST-VALVE-1');
    }
    expect((await agent1.get('/api/parts?model=WM-800')).body.parts.map((p: { sku: string }) => p.sku)).not.toContain('TST-VALVE-1');
    const put = await manager.put('/api/parts/TST-VALVE-1').send({ ...part, price: 13000 });
    expect(put.body.price).toBe(13000);
    // the demo stock: at central and on engineer1's van
    expect(await stockOf('AC-CAP-35', van)).toMatchObject({ onHand: 3, available: 3 });
    expect((await stockOf('AC-CAP-35', 'central')).onHand).toBeGreaterThan(0);
  });

  it('gives exactly 10 of 30 concurrent reservations against 10 in stock, and 20 × 409 insufficient_stock', async () => {
    await manager.post('/api/parts').send({ sku: 'TST-RACE', name: { en: 'Race part', 'zh-CN': '并发件' }, models: ['AC-3500'], price: 100 });
    expect((await sup.post('/api/stock/moves').send({ ref: 'race-receive', sku: 'TST-RACE', qty: 10, reason: 'receive', to: { location: 'central' } })).status).toBe(201);
    const wo = await workOrder();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => eng.post(`/api/work-orders/${wo.id}/parts`).send({ sku: 'TST-RACE', qty: 1, location: 'central', ref: `r${i}` })));
    const codes = answers.map((a) => a.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c === 409)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'insufficient_stock')).toBe(true);
    expect(await stockOf('TST-RACE', 'central')).toMatchObject({ onHand: 10, reserved: 10, available: 0 });
    expect((await eng.get(`/api/work-orders/${wo.id}/parts`)).body.reservations).toEqual([{ sku: 'TST-RACE', location: 'central', reserved: 10, consumed: 0, released: 0, open: 10 }]);
    await ledgerMatchesStock('TST-RACE');
    // the work order is cancelled: what it held is given back
    expect((await sup.post(`/api/work-orders/${wo.id}/events`).send({ type: 'cancel', clientId: 'race-cancel-1' })).status).toBe(200);
    expect(await stockOf('TST-RACE', 'central')).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    await ledgerMatchesStock('TST-RACE');
  });

  it('answers a repeated ref with the first result and changes nothing; a transfer never leaves a row below zero', async () => {
    await manager.post('/api/parts').send({ sku: 'TST-REF', name: { en: 'Ref part', 'zh-CN': '幂等件' }, models: [], price: 500 });
    const move = { ref: 'po-2031-0001', sku: 'TST-REF', qty: 5, reason: 'receive', to: { location: 'central', condition: 'new' } };
    const first = await sup.post('/api/stock/moves').send(move);
    expect(first.status).toBe(201);
    const again = await sup.post('/api/stock/moves').send(move);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await stockOf('TST-REF', 'central')).onHand).toBe(5);
    expect((await sup.post('/api/stock/moves').send({ ...move, qty: 6 })).body.error.code).toBe('ref_conflict');
    expect((await agent1.post('/api/stock/moves').send({ ...move, ref: 'x-1' })).status).toBe(403); // not the store
    const over = await sup.post('/api/stock/moves').send({ ref: 'tr-over', sku: 'TST-REF', qty: 6, reason: 'transfer', from: { location: 'central' }, to: { location: van } });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('insufficient_stock');
    expect((await sup.post('/api/stock/moves').send({ ref: 'tr-bad', sku: 'TST-REF', qty: 1, reason: 'transfer', from: { location: 'central' } })).status).toBe(400);
    expect((await sup.post('/api/stock/moves').send({ ref: 'tr-bad2', sku: 'TST-REF', qty: 1, reason: 'receive', to: { location: 'warehouse-9' } })).status).toBe(400);
    const ok = await sup.post('/api/stock/moves').send({ ref: 'tr-ok', sku: 'TST-REF', qty: 2, reason: 'transfer', from: { location: 'central' }, to: { location: van } });
    expect(ok.status).toBe(201);
    expect(ok.body.by.name).toBe('Li Na (李娜)');
    expect(await stockOf('TST-REF', van)).toMatchObject({ onHand: 2, available: 2 });
    const ledger = (await agent1.get('/api/stock/moves?ref=tr-ok')).body.moves;
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ reason: 'transfer', state: 'applied', qty: 2 });
    await ledgerMatchesStock('TST-REF');
  });

  it('repairs a move cut off between the ledger write and the stock update: the sweeper applies the rest once', async () => {
    await manager.post('/api/parts').send({ sku: 'TST-CRASH', name: { en: 'Crash part', 'zh-CN': '故障件' }, models: [], price: 700 });
    await sup.post('/api/stock/moves').send({ ref: 'crash-in', sku: 'TST-CRASH', qty: 4, reason: 'receive', to: { location: 'central' } });
    const StockRow = suite.app.c.conn.model('StockRow');
    const real = StockRow.findOneAndUpdate.bind(StockRow);
    let writes = 0;
    const spy = jest.spyOn(StockRow, 'findOneAndUpdate').mockImplementation(((...args: Parameters<typeof real>) => {
      if (++writes === 2) throw new Error('simulated crash before the second write');
      return real(...args);
    }) as never);
    const cut = await sup.post('/api/stock/moves').send({ ref: 'crash-transfer', sku: 'TST-CRASH', qty: 3, reason: 'transfer', from: { location: 'central' }, to: { location: van } });
    spy.mockRestore();
    expect(cut.status).toBe(500);
    // half done: central gave 3, the van has not got them, the move waits pending
    expect((await stockOf('TST-CRASH', 'central')).onHand).toBe(1);
    expect((await stockOf('TST-CRASH', van)).onHand).toBe(0);
    expect((await agent1.get('/api/stock/moves?ref=crash-transfer')).body.moves[0].state).toBe('pending');

    clock.advance(60_000); // past the sweeper's grace for requests still running
    expect(await mod().ledger.sweep()).toMatchObject({ repaired: 1 });
    expect(await mod().ledger.sweep()).toMatchObject({ repaired: 0 }); // once
    expect(await stockOf('TST-CRASH', van)).toMatchObject({ onHand: 3, available: 3 });
    expect((await stockOf('TST-CRASH', 'central')).onHand).toBe(1);
    const retry = await sup.post('/api/stock/moves').send({ ref: 'crash-transfer', sku: 'TST-CRASH', qty: 3, reason: 'transfer', from: { location: 'central' }, to: { location: van } });
    expect(retry.status).toBe(200);
    expect(retry.body.state).toBe('applied');
    expect((await stockOf('TST-CRASH', van)).onHand).toBe(3);
    await ledgerMatchesStock('TST-CRASH');

    // a debit cut off before any row changed, whose stock is gone by the time the sweeper looks: rejected, nothing moves
    writes = 0;
    const spy2 = jest.spyOn(StockRow, 'findOneAndUpdate').mockImplementation(((...args: Parameters<typeof real>) => {
      if (++writes === 1) throw new Error('simulated crash before the first write');
      return real(...args);
    }) as never);
    expect((await sup.post('/api/stock/moves').send({ ref: 'crash-scrap', sku: 'TST-CRASH', qty: 1, reason: 'scrap', from: { location: 'central' } })).status).toBe(500);
    spy2.mockRestore();
    await sup.post('/api/stock/moves').send({ ref: 'crash-scrap-2', sku: 'TST-CRASH', qty: 1, reason: 'scrap', from: { location: 'central' } });
    clock.advance(60_000);
    expect(await mod().ledger.sweep()).toMatchObject({ rejected: 1 });
    expect(await stockOf('TST-CRASH', 'central')).toMatchObject({ onHand: 0, available: 0 });
    await ledgerMatchesStock('TST-CRASH');
  });

  it("reserves on the van first, else central; the report consumes reserved first; the rest is released; the old part is expected back and reminded when overdue", async () => {
    const wo = await workOrder();
    const vanBefore = await stockOf('AC-CAP-35', van);
    const centralBefore = await stockOf('AC-CAP-35', 'central');
    const onVan = await eng.post(`/api/work-orders/${wo.id}/parts`).send({ sku: 'AC-CAP-35', qty: 2 });
    expect(onVan.status).toBe(201);
    expect(onVan.body.legs[0].location).toBe(van);
    const central = await eng.post(`/api/work-orders/${wo.id}/parts`).send({ sku: 'AC-CAP-35', qty: 2 }); // the van has 1 left
    expect(central.body.legs[0].location).toBe('central');
    expect(await stockOf('AC-CAP-35', van)).toMatchObject({ reserved: vanBefore.reserved + 2, available: vanBefore.available - 2 });

    for (const type of ['accept', 'depart', 'arrive']) expect((await eng.post(`/api/work-orders/${wo.id}/events`).send({ type, clientId: `p-${type}-${wo.id}` })).status).toBe(200);
    const filed = await eng.post(`/api/work-orders/${wo.id}/report`).send({ diagnosis: '启动电容损坏', work: '更换电容', labourMinutes: 30, parts: [{ sku: 'AC-CAP-35', qty: 3, defectiveSerial: 'CAP-OLD-1' }], signature: { name: '张伟', png: PNG } });
    expect(filed.status).toBe(201);
    // 2 reserved on the van and 1 of the 2 reserved at central consumed; the other central one released
    expect((await eng.get(`/api/work-orders/${wo.id}/parts`)).body.reservations).toEqual(
      expect.arrayContaining([
        { sku: 'AC-CAP-35', location: van, reserved: 2, consumed: 2, released: 0, open: 0 },
        { sku: 'AC-CAP-35', location: 'central', reserved: 2, consumed: 1, released: 1, open: 0 },
      ]),
    );
    expect(await stockOf('AC-CAP-35', van)).toMatchObject({ onHand: vanBefore.onHand - 2, reserved: vanBefore.reserved });
    expect(await stockOf('AC-CAP-35', 'central')).toMatchObject({ onHand: centralBefore.onHand - 1, reserved: centralBefore.reserved, available: centralBefore.available - 1 });
    await ledgerMatchesStock('AC-CAP-35');

    const outstanding = (await sup.get('/api/old-parts?status=outstanding')).body.oldParts.filter((l: { workOrder: { id: string } }) => l.workOrder.id === wo.id);
    expect(outstanding).toHaveLength(1);
    expect(outstanding[0]).toMatchObject({ sku: 'AC-CAP-35', qty: 3, defectiveSerial: 'CAP-OLD-1', model: 'AC-3500', engineerId: engineer1 });
    expect((await sup.get('/api/old-parts?status=overdue')).body.oldParts).toEqual([]);

    // eight days later nothing came back: overdue, and the engineer and the supervisor are reminded (mail and socket)
    const supSocket = await suite.app.agentSocket('supervisor@demo.local');
    const pushed = nextEvent(supSocket, 'oldpart:overdue', (p: { id: string }) => p.id === outstanding[0].id, 10_000);
    clock.advance(8 * 24 * 3600_000);
    expect((await sup.get('/api/old-parts?status=overdue')).body.oldParts.map((l: { id: string }) => l.id)).toEqual([outstanding[0].id]);
    expect(await mod().oldParts.sweep()).toBe(1);
    await pushed;
    const mail = await suite.sink.next((m) => m.rcpt.includes('engineer1@demo.local') && /旧件/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.text).toContain(wo.number);
    await suite.sink.next((m) => m.rcpt.includes('supervisor@demo.local') && /AC-CAP-35/.test(m.parsed.subject ?? ''));
    expect(await mod().oldParts.sweep()).toBe(0); // once

    // the store receives it: a return_defective move closes the line
    const back = await sup.post('/api/stock/moves').send({ ref: 'old-back-1', sku: 'AC-CAP-35', qty: 3, reason: 'return_defective', to: { location: 'central', condition: 'defective' } });
    expect(back.status).toBe(201);
    expect((await sup.get('/api/old-parts?status=returned')).body.oldParts.map((l: { id: string }) => l.id)).toContain(outstanding[0].id);
    expect((await sup.get('/api/old-parts?status=overdue')).body.oldParts).toEqual([]);
    expect((await stockOf('AC-CAP-35', 'central', 'defective')).onHand).toBe(3);
    // and R&D sees it in the month's product-quality report
    const report = await manager.get('/api/reports/product-quality?month=2031-03');
    expect(report.status).toBe(200);
    expect(report.body.defectiveParts.models).toEqual([{ model: 'AC-3500', total: 3, parts: [{ sku: 'AC-CAP-35', count: 3 }] }]);
  });

  it('"part missing" ends the work order cannot_complete (part_missing), tells the dispatchers, and gives back the reservation', async () => {
    const wo = await workOrder();
    expect((await eng.post(`/api/work-orders/${wo.id}/parts`).send({ sku: 'WM-PMP-08', qty: 1 })).status).toBe(201);
    const before = await stockOf('WM-PMP-08', van);
    expect(before.reserved).toBe(1);
    const socket = await suite.app.agentSocket('supervisor@demo.local');
    const told = nextEvent<{ workOrderId: string; note: string }>(socket, 'parts:missing', (p) => p.workOrderId === wo.id);
    await eng.post(`/api/work-orders/${wo.id}/events`).send({ type: 'accept', clientId: `m-accept-${wo.id}` });
    const res = await eng.post(`/api/work-orders/${wo.id}/parts/missing`).send({ sku: 'DW-HTR-06', note: '需要加热管', clientId: `missing-${wo.id}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cannot_complete', outcome: { reason: 'part_missing' } });
    expect((await told).note).toContain('DW-HTR-06');
    await eventually(async () => (await stockOf('WM-PMP-08', van)).reserved === 0);
    const day = new Date(clock.now().getTime() + 3600_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const board = await sup.get(`/api/dispatch/board?date=${day}&team=field`);
    const onBoard = board.body.engineers.flatMap((e: { workOrders: { id: string; status: string }[] }) => e.workOrders).find((w: { id: string }) => w.id === wo.id);
    expect(onBoard).toMatchObject({ status: 'cannot_complete' });
    expect((await eng.post(`/api/work-orders/${wo.id}/parts`).send({ sku: 'WM-PMP-08', qty: 1 })).body.error.code).toBe('invalid_transition');
  });
});
