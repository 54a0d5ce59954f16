/**
 * Field service under load: COUNT (default 200) work orders dispatched to two engineers on one day,
 * then each walked accept → depart → arrive → complete by the engineers' phones (CONCURRENCY parallel,
 * default 10), each step sent twice (the second is an offline replay with the same clientId). Prints
 * the latency of a step, of a replay, of the dispatch board of that day (COUNT blocks), and the time
 * to file a report and render its PDF with the embedded CJK font (and the PDF's size).
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/workorders.ts            (COUNT=200 CONCURRENCY=10 REPORTS=20 to change)
 */
import { deadline, loadAverage, login, runBench, startBenchApp, summary } from './lib/harness';

const COUNT = Number(process.env.COUNT ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const REPORTS = Number(process.env.REPORTS ?? 20);
const DAY = '2031-03-03';
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

async function main(): Promise<void> {
  const cancelDeadline = deadline(300_000, 'bench did not finish within 5 minutes');
  const app = await startBenchApp({ name: 'workorders', mongoHeap: '1g' });
  const base = app.server.url;
  try {
    const tokens = Object.fromEntries(await Promise.all(['supervisor', 'engineer1', 'engineer2'].map(async (n) => [n, await login(base, `${n}@demo.local`)])));
    const call = async (who: string, method: string, path: string, body?: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const data = res.headers.get('content-type')?.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
      return { ms: performance.now() - t0, data: data as any };
    };
    const engineers = Object.fromEntries(await Promise.all(['engineer1', 'engineer2'].map(async (n) => [n, String((await app.c.models.Agent.findOne({ email: `${n}@demo.local` }))!._id)])));
    const ticket = (await app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;

    const created: { id: string; who: string }[] = [];
    const createMs: number[] = [];
    for (let i = 0; i < COUNT; i += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, COUNT - i) }, async (_, j) => {
        const n = i + j;
        const who = n % 2 ? 'engineer2' : 'engineer1';
        const start = new Date(Date.parse(`${DAY}T01:00:00Z`) + (n % 16) * 1800_000);
        const r = await call('supervisor', 'POST', `/api/tickets/${ticket}/work-orders`, { kind: 'repair', description: `Bench ${n} 空调不制冷`, address: '上海市浦东新区世纪大道 100 号', engineer: engineers[who], window: { start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() } });
        createMs.push(r.ms);
        created.push({ id: r.data.id, who });
      }));
    }
    const board: number[] = [];
    for (let i = 0; i < 20; i++) board.push((await call('supervisor', 'GET', `/api/dispatch/board?date=${DAY}&team=field`)).ms);
    const blocks = (await call('supervisor', 'GET', `/api/dispatch/board?date=${DAY}&team=field`)).data.engineers.reduce((n: number, e: { workOrders: unknown[] }) => n + e.workOrders.length, 0);

    const steps: number[] = [];
    const replays: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < created.length; i += CONCURRENCY) {
      await Promise.all(created.slice(i, i + CONCURRENCY).map(async (wo) => {
        for (const type of ['accept', 'depart', 'arrive', 'complete']) {
          const body = { type, clientId: `bench-${type}-${wo.id}` };
          steps.push((await call(wo.who, 'POST', `/api/work-orders/${wo.id}/events`, body)).ms);
          replays.push((await call(wo.who, 'POST', `/api/work-orders/${wo.id}/events`, body)).ms);
        }
      }));
    }
    const walkSec = (performance.now() - t0) / 1000;

    // reports on the first REPORTS work orders (re-opened to on_site for the bench: a fresh set)
    const pdfMs: number[] = [];
    const fileMs: number[] = [];
    let pdfBytes = 0;
    for (let i = 0; i < REPORTS; i++) {
      const start = new Date(Date.parse(`${DAY}T01:00:00Z`) + i * 600_000);
      const wo = (await call('supervisor', 'POST', `/api/tickets/${ticket}/work-orders`, { kind: 'repair', description: 'report', address: '上海', engineer: engineers.engineer1, window: { start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() } })).data;
      for (const type of ['accept', 'depart', 'arrive']) await call('engineer1', 'POST', `/api/work-orders/${wo.id}/events`, { type, clientId: `rep-${type}-${wo.id}` });
      fileMs.push((await call('engineer1', 'POST', `/api/work-orders/${wo.id}/report`, { diagnosis: '压缩机启动电容损坏，导致空调不制冷。', work: '更换启动电容，试机正常。Replaced the start capacitor.', labourMinutes: 45, parts: [{ sku: 'CAP-35UF', qty: 1 }], signature: { name: '张伟', png: PNG } })).ms);
      const pdf = await call('supervisor', 'GET', `/api/work-orders/${wo.id}/report.pdf`);
      pdfMs.push(pdf.ms);
      pdfBytes = (pdf.data as Buffer).length;
    }

    const f = (label: string, v: number[]) => {
      const s = summary(v);
      console.log(`${label.padEnd(34)} n ${String(s.n).padStart(4)}  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  max ${s.max.toFixed(1)} ms`);
    };
    console.log(`work orders: ${COUNT} on ${DAY}, ${CONCURRENCY} at a time; load ${loadAverage()}`);
    f('create + dispatch (POST)', createMs);
    f(`dispatch board (${blocks} blocks)`, board);
    f('step (POST /events)', steps);
    f('replayed step (same clientId)', replays);
    console.log(`walked ${COUNT} work orders (4 steps + 4 replays each) in ${walkSec.toFixed(1)} s`);
    f('file report (POST /report)', fileMs);
    f('report PDF (render, CJK font)', pdfMs);
    console.log(`report PDF size: ${(pdfBytes / 1024).toFixed(0)} KB`);
    cancelDeadline();
  } finally {
    await app.close();
  }
}

runBench(main);
