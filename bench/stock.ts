/**
 * Stock moves on the embedded store over HTTP on 127.0.0.1: the latency of one move (a transfer
 * central → a van, two legs), and the throughput of concurrent reservations racing for scarce stock
 * (CONCURRENCY at a time against STOCK in stock: exactly STOCK must succeed). Ends with the ledger
 * check (every row equals the sum of its applied moves). Own stores; stops by itself.
 *   npx tsx bench/stock.ts            (MOVES=500 STOCK=200 RESERVATIONS=1000 CONCURRENCY=50 to change)
 */
import { deadline, login, runBench, startBenchApp, summary } from './lib/harness';

const MOVES = Number(process.env.MOVES ?? 500);
const STOCK = Number(process.env.STOCK ?? 200);
const RESERVATIONS = Number(process.env.RESERVATIONS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const cancelDeadline = deadline(300_000, 'bench did not finish within 5 minutes');
  const app = await startBenchApp({ name: 'stock', workers: false });
  const { c, server } = app;
  try {
    const [sup, manager] = [await login(server.url, 'supervisor@demo.local'), await login(server.url, 'manager@demo.local')];
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const data = await res.json().catch(() => null);
      return { status: res.status, data, ms: performance.now() - t };
    };
    const engineer = String((await c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    const van = `engineer:${engineer}`;
    await call(manager, 'POST', '/api/parts', { sku: 'BENCH-1', name: { en: 'Bench part', 'zh-CN': '压测件' }, models: [], price: 100 });
    await call(sup, 'POST', '/api/stock/moves', { ref: 'bench-in', sku: 'BENCH-1', qty: MOVES + STOCK, reason: 'receive', to: { location: 'central' } });

    const transfers: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const r = await call(sup, 'POST', '/api/stock/moves', { ref: `bench-tr-${i}`, sku: 'BENCH-1', qty: 1, reason: 'transfer', from: { location: 'central' }, to: { location: van } });
      if (r.status !== 201) throw new Error(`transfer ${i}: ${r.status} ${JSON.stringify(r.data)}`);
      transfers.push(r.ms);
    }
    const s = summary(transfers);
    console.log(`POST /api/stock/moves transfer (2 legs), ${MOVES} one after another: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`);

    const start = new Date(Date.now() + 24 * 3600_000);
    const ticket = (await c.models.Ticket.findOne({ subject: /E4/ }))!.number;
    const wo = (await call(sup, 'POST', `/api/tickets/${ticket}/work-orders`, { kind: 'repair', description: 'bench', address: 'bench', engineer, window: { start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() } })).data as { id: string };
    let next = 0;
    let ok = 0;
    let refused = 0;
    const lat: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RESERVATIONS) {
          const i = next++;
          const r = await call(sup, 'POST', `/api/work-orders/${wo.id}/parts`, { sku: 'BENCH-1', qty: 1, location: 'central', ref: `b${i}` });
          lat.push(r.ms);
          if (r.status === 201) ok++;
          else if (r.status === 409 && r.data?.error?.code === 'insufficient_stock') refused++;
          else throw new Error(`reservation ${i}: ${r.status} ${JSON.stringify(r.data)}`);
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const l = summary(lat);
    console.log(`${RESERVATIONS} reservations, ${CONCURRENCY} at a time, against ${STOCK} in stock: ${ok} reserved, ${refused} × 409 insufficient_stock, ${(RESERVATIONS / secs).toFixed(0)} requests/s; p50 ${ms(l.p50)}, p99 ${ms(l.p99)}`);
    if (ok !== STOCK) throw new Error(`expected exactly ${STOCK} reservations, got ${ok}`);

    const moves = await c.conn.collection('stockmoves').find({ sku: 'BENCH-1', state: 'applied' }).toArray();
    const sums = new Map<string, number[]>();
    for (const m of moves) for (const leg of m.legs as { row: string; delta: { onHand: number; reserved: number; available: number } }[]) {
      const v = sums.get(leg.row) ?? [0, 0, 0];
      sums.set(leg.row, [v[0] + leg.delta.onHand, v[1] + leg.delta.reserved, v[2] + leg.delta.available]);
    }
    const rows = await c.conn.collection('stockrows').find({ sku: 'BENCH-1' }).toArray();
    const bad = rows.filter((r) => JSON.stringify([r.onHand, r.reserved, r.available]) !== JSON.stringify(sums.get(String(r._id))));
    console.log(`ledger check: ${moves.length} applied moves, ${rows.length} rows, ${bad.length} rows off (central ${JSON.stringify(rows.find((r) => String(r._id).includes('central')))?.replace(/"applied":\[[^\]]*\],?/, '')})`);
    if (bad.length) throw new Error('the ledger does not sum to the stock');
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
