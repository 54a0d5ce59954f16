/**
 * Search latency: the knowledge base at 1 000 and 10 000 articles (GET /api/help/search, public,
 * and GET /api/kb/search, agents) and ticket search at 10 000 and 100 000 tickets (GET
 * /api/tickets?q= for an agent of two teams, first pages and cursor pages). Articles and tickets
 * are written straight to MongoDB and indexed through the real index code (KbIndex.put and
 * TicketSearchIndex.rebuild); requests go over HTTP on 127.0.0.1 one at a time. Three runs per
 * size. Own stores; stops by itself.
 *   npx tsx bench/search.ts            (REQUESTS=200 RUNS=3 to change)
 */
import { Types } from 'mongoose';
import type { KbModule } from '../src/modules/kb/kb.module';
import { kbModels } from '../src/modules/kb/kb.model';
import type { SearchModule } from '../src/modules/search/search.module';
import { deadline, loadAverage, login, runBench, startBenchApp, summary } from './lib/harness';

const REQUESTS = Number(process.env.REQUESTS ?? 200);
const RUNS = Number(process.env.RUNS ?? 3);
const TEAMS = ['support', 'tech', 'complaints', 'returns'];

const PRODUCTS_ZH = ['空调', '洗衣机', '洗碗机', '冰箱', '热水器', '油烟机'];
const FAULTS_ZH = ['不制冷', '漏水', '不排水', '噪音大', '开不了机', '显示E4', '有异味', '洗不干净', '不加热', '震动', '结冰', '遥控器没反应'];
const PARTS_ZH = ['滤网', '排水泵', '压缩机', '门封', '主板', '传感器', '进水管', '喷淋臂'];
const PRODUCTS_EN = ['air conditioner', 'washing machine', 'dishwasher', 'fridge', 'water heater', 'cooker hood'];
const FAULTS_EN = ['not cooling', 'leaking', "won't drain", 'noisy', 'no power', 'error E4', 'smells', 'dishes dirty', 'not heating', 'vibrates', 'icing up', 'remote not working'];
const PARTS_EN = ['filter', 'drain pump', 'compressor', 'door seal', 'control board', 'sensor', 'inlet hose', 'spray arm'];
const MODELS = ['AC-3500', 'AC-2200', 'WM-800', 'WM-650', 'DW-450', 'DW-300', 'RF-900', 'WH-120'];

const QUERIES = ['空调不制冷怎么办', '洗衣机底下有水', '洗碗机排水慢', 'AC-3500 E4', '压缩机噪音', '滤网怎么清洗', 'washer not draining', 'air conditioner leaking water', 'dishwasher smells', 'control board fault', '热水器不加热', 'WM-800 vibration'];

const pick = <T>(a: readonly T[], i: number) => a[i % a.length];
const ms = (n: number) => `${n.toFixed(1)} ms`;

function article(i: number) {
  const zh = i % 2 === 0;
  const [P, F, R] = zh ? [PRODUCTS_ZH, FAULTS_ZH, PARTS_ZH] : [PRODUCTS_EN, FAULTS_EN, PARTS_EN];
  const product = pick(P, i);
  const fault = pick(F, Math.floor(i / 6));
  const part = pick(R, Math.floor(i / 72));
  const model = pick(MODELS, i * 7);
  const title = zh ? `${model} ${product}${fault}的处理方法 ${i}` : `${model} ${product} ${fault}: what to do (${i})`;
  const body = zh
    ? `## 现象\n\n${product}${fault}，检查${part}。\n\n## 处理\n\n1. 断电重启。\n2. 清洗${pick(R, i + 3)}，检查${pick(R, i + 5)}。\n3. 仍然${pick(F, i + 1)}时请联系售后，预约工程师上门维修。`
    : `## Symptom\n\nThe ${product} is ${fault}; check the ${part}.\n\n## What to do\n\n1. Power cycle the unit.\n2. Clean the ${pick(R, i + 3)} and check the ${pick(R, i + 5)}.\n3. If it is still ${pick(F, i + 1)}, contact us to book an engineer visit.`;
  return { zh, title, body, model };
}

async function timeRequests(url: string, token: string | null, paths: string[]): Promise<number[]> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const times: number[] = [];
  for (const p of paths) {
    const t0 = performance.now();
    const res = await fetch(`${url}${p}`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

function line(label: string, values: number[]): string {
  const s = summary(values);
  return `${label}: p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} over ${s.n}`;
}

async function main(): Promise<void> {
  const cancel = deadline(15 * 60_000, 'bench did not finish within 15 minutes');
  const app = await startBenchApp({ name: 'search', mongoHeap: '3g', workers: false });
  const { c, server } = app;
  try {
    const kb = c.modules.find((m): m is KbModule => m.name === 'kb')!;
    const search = c.modules.find((m): m is SearchModule => m.name === 'search')!;
    const Article = kbModels(c.conn, c.clock).Article;
    const agent = await login(server.url, 'agent1@demo.local');
    console.log(`load average at start: ${loadAverage()}`);

    // ---- knowledge base --------------------------------------------------------------------------
    let articles = 0;
    for (const target of [1000, 10_000]) {
      const t0 = Date.now();
      const now = Date.now();
      for (let start = articles; start < target; start += 1000) {
        const docs = Array.from({ length: Math.min(1000, target - start) }, (_, k) => {
          const i = start + k;
          const a = article(i);
          const _id = new Types.ObjectId();
          const at = new Date(now - (target - i) * 1000);
          return { _id, number: 100_000 + i, slug: `bench-${i}`, locale: a.zh ? 'zh-CN' : 'en', pairId: String(_id), title: a.title, body: a.body, visibility: i % 5 === 0 ? 'internal' : 'public', status: 'published', models: [a.model], tags: [], category: 'troubleshooting', version: 1, history: [], createdBy: { id: null, name: 'bench' }, updatedBy: { id: null, name: 'bench' }, createdAt: at, updatedAt: at };
        });
        await Article.insertMany(docs, { lean: true });
        const hydrated = await Article.find({ _id: { $in: docs.map((d) => d._id) } });
        for (let j = 0; j < hydrated.length; j += 100) await Promise.all(hydrated.slice(j, j + 100).map((d) => kb.index.put(d)));
      }
      articles = target;
      console.log(`\n${target} articles (published; 1 in 5 internal; en and zh-CN) written and indexed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (let run = 1; run <= RUNS; run++) {
        const paths = Array.from({ length: REQUESTS }, (_, i) => {
          const q = pick(QUERIES, i);
          return `?q=${encodeURIComponent(q)}&locale=${/[\u4e00-\u9fff]/.test(q) ? 'zh-CN' : 'en'}`;
        });
        const inProcess: number[] = [];
        for (const p of paths.slice(0, 100)) {
          const params = new URLSearchParams(p.slice(1));
          const t = performance.now();
          await kb.search.search(params.get('q')!, { audience: 'public', locales: [params.get('locale') as 'en'], limit: 5 });
          inProcess.push(performance.now() - t);
        }
        const pub = await timeRequests(server.url, null, paths.map((p) => `/api/help/search${p}`));
        const agents = await timeRequests(server.url, agent, paths.map((p) => `/api/kb/search${p}&limit=10`));
        console.log(`run ${run} (load ${loadAverage()})`);
        console.log(`  ${line('KbSearch.search in process', inProcess)}`);
        console.log(`  ${line('GET /api/help/search', pub)}`);
        console.log(`  ${line('GET /api/kb/search (agent)', agents)}`);
      }
    }

    // ---- tickets ---------------------------------------------------------------------------------
    const { Ticket, Message } = c.models;
    const customer = await c.customers.findOrCreate({ name: 'Bench Customer', email: 'bench@example.com' });
    let tickets = 0;
    for (const target of [10_000, 100_000]) {
      const t0 = Date.now();
      const now = Date.now();
      for (let start = tickets; start < target; start += 5000) {
        const docs = [];
        const messages = [];
        for (let i = start; i < Math.min(target, start + 5000); i++) {
          const zh = i % 2 === 0;
          const _id = new Types.ObjectId();
          const product = zh ? pick(PRODUCTS_ZH, i) : pick(PRODUCTS_EN, i);
          const fault = zh ? pick(FAULTS_ZH, Math.floor(i / 6)) : pick(FAULTS_EN, Math.floor(i / 6));
          const at = new Date(now - (target - i) * 1000);
          docs.push({ _id, number: 1_000_000 + i, subject: zh ? `${product}${fault}` : `${product} ${fault}`, channel: 'email', status: 'open', team: pick(TEAMS, i), customerId: customer._id, dedupeKey: `bench-${i}`, product: { model: pick(MODELS, i * 7) }, createdAt: at, updatedAt: at });
          const part = zh ? pick(PARTS_ZH, Math.floor(i / 72)) : pick(PARTS_EN, Math.floor(i / 72));
          messages.push({ ticketId: _id, ticketNumber: 1_000_000 + i, kind: 'message', author: { type: 'customer', name: 'Bench' }, body: zh ? `您好，我的${product}${fault}，师傅说可能是${part}坏了。` : `Hello, my ${product} is ${fault}; the engineer thinks the ${part} is broken.`, channel: 'email', dedupeKey: `bench-m-${i}`, createdAt: at, updatedAt: at });
        }
        await Ticket.insertMany(docs, { lean: true });
        await Message.insertMany(messages, { lean: true });
      }
      tickets = target;
      const written = Date.now() - t0;
      const r = await search.tickets.rebuild(Ticket, Message);
      console.log(`\n${target} tickets in 4 teams (one message each) written in ${(written / 1000).toFixed(1)} s; index rebuilt from MongoDB (${r.tickets} tickets, ${r.messages} messages) in ${((Date.now() - t0 - written) / 1000).toFixed(1)} s`);
      for (let run = 1; run <= RUNS; run++) {
        const first = await timeRequests(server.url, agent, Array.from({ length: REQUESTS }, (_, i) => `/api/tickets?q=${encodeURIComponent(pick(QUERIES, i))}&limit=25`));
        // cursor pages: walk a common query's pages
        const cursorTimes: number[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < Math.min(REQUESTS, 100); i++) {
          const p: string = `/api/tickets?q=${encodeURIComponent('洗衣机漏水')}&limit=25${cursor ? `&cursor=${cursor}` : ''}`;
          const t = performance.now();
          const res = await fetch(`${server.url}${p}`, { headers: { Authorization: `Bearer ${agent}` } });
          const body = (await res.json()) as { nextCursor: string | null };
          cursorTimes.push(performance.now() - t);
          cursor = body.nextCursor;
          if (!cursor) cursor = null;
        }
        console.log(`run ${run} (load ${loadAverage()})`);
        console.log(`  ${line('GET /api/tickets?q= first page (agent1: support+tech)', first)}`);
        console.log(`  ${line('GET /api/tickets?q=洗衣机漏水 walking cursors', cursorTimes)}`);
      }
    }
    console.log(`\nRedis memory: ${(await c.redis.info('memory')).match(/used_memory_human:(\S+)/)?.[1]}`);
  } finally {
    cancel();
    await app.close();
  }
}

runBench(main);
