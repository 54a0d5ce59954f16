/**
 * Memory of every process of `npm start` after 50 000 tickets (issue #23: all processes < 1 GB).
 * The stack as scripts/start.ts runs it: mongo-java-server with the H2 file backend and the heap
 * it gets there (EMBEDDED_MONGO_HEAP), Redis with its append-only file, the orchestrator and its
 * API and worker processes. The bench starts the two stores the way start.ts does and hands them
 * to start.ts (MONGODB_URI / REDIS_URL), so it knows every pid; then:
 *  1. healthy on the empty store (the demo organisation seeded);
 *  2. a bulk seed to TICKETS tickets (customer, contact, ticket, two messages each: bench/lib/fill.ts),
 *     the workers' own rebuilds of the live queue and the search index over them (the jobs a first
 *     start on an existing database runs);
 *  3. traffic through the product's paths: MAILS mails over SMTP (new tickets), API tickets, queue
 *     pages, searches, report summaries;
 *  4. the resident memory (VmRSS) of each process and the sum, and the time a restart on the full
 *     store takes to answer /health.
 *   npx tsx bench/memory.ts        (TICKETS=50000 MAILS=500 RUNS=1 to change; START=tsx: the processes
                                   from their sources under tsx, as before the compiled start; JVM=before:
                                   the store without EMBEDDED_MONGO_JVM)
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { mongo } from 'mongoose';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM, freePort, startMongo, startRedis } from '../scripts/lib/embedded-stores';
import { NODE_FLAGS } from '../scripts/lib/process-flags';
import { fillTickets } from './lib/fill';
import { deadline, loadAverage, login, ROOT, runBench } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 50_000);
const MAILS = Number(process.env.MAILS ?? 500);
const RUNS = Number(process.env.RUNS ?? 1);
const PREFIX = '{aftercare}';
const IDLE_AFTER_MS = 40_000;
/** what `npm start` runs: the compiled orchestrator (built first); START=tsx runs it from the sources under tsx */
const FROM_SOURCES = process.env.START === 'tsx';
/** the store's JVM options as start.ts gives them (EMBEDDED_MONGO_JVM); JVM=before: none beyond the heap */
const JVM_ARGS = process.env.JVM === 'before' ? [] : EMBEDDED_MONGO_JVM;
/** HEAP_PROBE=1: the API and workers with bench/lib/heap-probe.cjs preloaded; prints each isolate's largest V8 heap used and left by a full collection (the live peak) */
const HEAP_PROBE = process.env.HEAP_PROBE === '1';
const START_ARGS = FROM_SOURCES ? ['--import', 'tsx', 'scripts/start.ts'] : ['dist/scripts/start.js'];

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The children of `pid` whose command line names `entry` (start.ts's api / workers processes). */
function childPid(pid: number, entry: string): number | undefined {
  const rows = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split('\n');
  const row = rows.find((r) => r.includes(entry));
  return row ? Number(row.trim().split(/\s+/)[0]) : undefined;
}

/** From a process's log, heap-probe.cjs's last line per thread of process `pid` (the main thread, each mail-parse thread; a restart appends another pid's). */
function heapPeaks(log: string, pid: number | undefined): string {
  const last = new Map<string, { thread: number; majors: number; maxUsedMb: number; maxLiveMb: number; limitMb: number }>();
  for (const m of fs.readFileSync(log, 'utf8').matchAll(/^heap-probe (\{.*\})$/gm)) {
    const p = JSON.parse(m[1]) as { pid: number; thread: number; majors: number; maxUsedMb: number; maxLiveMb: number; limitMb: number };
    if (p.pid === pid) last.set(String(p.thread), p);
  }
  const rows = [...last.values()].sort((a, b) => a.thread - b.thread);
  return rows.length ? rows.map((p) => `${p.thread ? `thread ${p.thread}` : 'main thread'}: heap used ≤ ${p.maxUsedMb} MB, live after a full GC ≤ ${p.maxLiveMb} MB (${p.majors} full GCs, bound ${p.limitMb} MB)`).join('; ') : 'no heap-probe line';
}

async function healthy(base: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) return Date.now() - t0;
    } catch {
      /* starting */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`not healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/** Waits until the queue has nothing waiting, delayed within a second, or running. */
async function drained(q: Queue, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = await q.getJobCounts('waiting', 'prioritized', 'active');
    if (!c.waiting && !c.prioritized && !c.active) return;
    if (Date.now() > until) throw new Error(`${q.name} not drained within ${timeoutMs} ms: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Redis's own count of its memory, and its keys grouped by their shape (ids and numbers elided), biggest first. */
async function redisBreakdown(redis: Redis): Promise<string> {
  const info = await redis.info('memory');
  const field = (k: string) => new RegExp(`^${k}:(\\S+)`, 'm').exec(info)?.[1] ?? '?';
  const groups = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 2000);
    cursor = next;
    const sizes = await Promise.all(keys.map((k) => redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') as Promise<number | null>));
    keys.forEach((k, i) => {
      const shape = k.replace(/[0-9a-f]{24}/g, '<id>').replace(/\d+/g, '<n>').replace(/(:<id>|:<n>)(:.*)?$/, '$1…');
      const g = groups.get(shape) ?? { keys: 0, bytes: 0 };
      g.keys++;
      g.bytes += sizes[i] ?? 0;
      groups.set(shape, g);
    });
  } while (cursor !== '0');
  const top = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 8);
  return `used_memory ${field('used_memory_human')}, rss ${field('used_memory_rss_human')}, fragmentation ${field('mem_fragmentation_ratio')}; ${top.map(([k, g]) => `${k} ${g.keys} keys ${(g.bytes / 1048576).toFixed(1)} MB`).join('; ')}`;
}

async function oneRun(run: number): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-memory-'));
  const [store, redisStore] = await Promise.all([startMongo({ file: path.join(dataDir, 'mongo', 'aftercare.mv'), maxHeap: EMBEDDED_MONGO_HEAP, jvmArgs: JVM_ARGS }), startRedis({ dataDir: path.join(dataDir, 'redis') })]);
  const port = await freePort();
  const smtpPort = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_PORT: String(smtpPort), LOG_LEVEL: 'warn', MONGODB_URI: `${store.url}/aftercare`, REDIS_URL: redisStore.url, SMTP_MESSAGES_PER_IP_PER_HOUR: '1000000', SMTP_MAX_CONNECTIONS_PER_IP: '1000', ...(HEAP_PROBE ? { NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', `--require ${path.join(__dirname, 'lib', 'heap-probe.cjs')}`].join(' ').trim() } : {}) };
  const base = `http://127.0.0.1:${port}`;
  const start = () => spawn(process.execPath, START_ARGS, { cwd: ROOT, env, stdio: 'ignore' });
  let app = start();
  // the bulk seed waits for a store that a loaded machine slows down, rather than give up after 30 s
  const client = await mongo.MongoClient.connect(store.url, { connectTimeoutMS: 180_000, serverSelectionTimeoutMS: 180_000 });
  const redis = new Redis(redisStore.url, { maxRetriesPerRequest: null });
  const queue = (name: string) => new Queue(name, { connection: redis, prefix: PREFIX });
  try {
    const healthyEmptyMs = await healthy(base, 120_000);
    // the workers' resident peak, sampled every second from here to the measurement after the traffic
    const workersPid = childPid(app.pid!, 'src/main/workers.');
    let workersPeak = 0;
    let workersPeakAt = 'seed';
    let stage = 'seed';
    const sampler = setInterval(() => {
      const mb = rssMb(workersPid);
      if (mb > workersPeak) [workersPeak, workersPeakAt] = [mb, stage];
    }, 1000);
    const db = client.db('aftercare');
    const t0 = Date.now();
    const filled = await fillTickets(db, await db.collection('tickets').estimatedDocumentCount(), TICKETS, { messages: 2 });
    const fillS = (Date.now() - t0) / 1000;
    console.log(`  run ${run}: healthy on the empty store in ${healthyEmptyMs} ms; ${filled} tickets seeded in ${fillS.toFixed(0)} s`);
    // the workers rebuild the live queue index and the search index over what the seed wrote
    const t1 = Date.now();
    stage = 'rebuilds';
    const tickets = queue('tickets');
    const search = queue('search');
    // retried: on a loaded machine the one-threaded store may miss the driver's 30 s monitor check
    // mid-rebuild ("connection … timed out"); both rebuilds are idempotent
    const retry = { attempts: 4, backoff: { type: 'fixed', delay: 5000 } };
    await tickets.add('rebuild-index', {}, { jobId: `bench-rebuild-index-${run}`, ...retry });
    await search.add('rebuild-tickets', {}, { jobId: `bench-rebuild-search-${run}`, ...retry });
    for (const [q, id] of [[tickets, `bench-rebuild-index-${run}`], [search, `bench-rebuild-search-${run}`]] as const) {
      while (!['completed', 'failed'].includes(await q.getJobState(id))) {
        if (Date.now() - t1 > 15 * 60_000) throw new Error(`${id} did not finish`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    const rebuildS = (Date.now() - t1) / 1000;
    // a rebuild that failed leaves its index (Redis memory) out of the figure: say so
    const state = async (q: Queue, id: string) => `${await q.getJobState(id)} after ${(await q.getJob(id))?.attemptsMade ?? '?'} attempt(s)`;
    const rebuilds = `live queue ${await state(tickets, `bench-rebuild-index-${run}`)}, search ${await state(search, `bench-rebuild-search-${run}`)}`;
    // traffic through the product's paths
    const t2 = Date.now();
    stage = 'traffic';
    let retried = 0;
    let unavailable = 0;
    const mail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 10 });
    // a sending MTA retries a 4xx (the intake answers 451 while its store does not answer in time)
    const send = async (m: SendMailOptions): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return void (await mail.sendMail(m));
        } catch (err) {
          if (attempt >= 10 || (err as { responseCode?: number }).responseCode! >= 500) throw err;
          retried++;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
    };
    await Promise.all(
      Array.from({ length: MAILS }, (_, i) =>
        send({ envelope: { from: `mem${run}-${i}@example.com`, to: ['support@demo.local'] }, from: `Sender ${i} <mem${run}-${i}@example.com>`, to: 'support@demo.local', subject: `Dryer fault ${i}`, messageId: `<mem-${run}-${i}@example.com>`, text: `The dryer stops after ten minutes, code F${i % 20}.\n${'Details of the fault. '.repeat(40)}` }),
      ),
    );
    mail.close();
    const token = await login(base, 'agent1@demo.local');
    const manager = await login(base, 'manager@demo.local');
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (let i = 0; i < 200; i++) {
      await fetch(`${base}/api/tickets`, { method: 'POST', headers: h, body: JSON.stringify({ channel: 'voice', subject: `Call ${i}`, body: 'The washer leaks at the door seal. '.repeat(10), customer: { name: `Caller ${i}`, phone: `+86139${String(run * 1000 + i).padStart(8, '0')}` } }) });
      if (i % 4 === 0) await fetch(`${base}/api/queue?limit=50`, { headers: h });
      if (i % 10 === 0) await fetch(`${base}/api/tickets?q=${encodeURIComponent(['washer', 'drum noise', 'dryer', 'leaks door'][i % 4])}`, { headers: h });
      if (i % 50 === 0) {
        // a report scans the tickets; on a loaded machine the one-threaded store may not answer the
        // driver's heartbeat meanwhile and the API says 503 "try again shortly": a person would.
        // What is measured here is memory: a report that still fails is counted, not fatal.
        for (let attempt = 1; ; attempt++) {
          const res = await fetch(`${base}/api/reports/summary?groupBy=team&from=${new Date(Date.now() - 30 * 86400_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`, { headers: { authorization: `Bearer ${manager}` } });
          if (res.ok) break;
          unavailable++;
          if (attempt >= 5) {
            console.error(`  a report answered ${res.status} five times: ${await res.text()}`);
            break;
          }
          await new Promise((r) => setTimeout(r, 2000 * attempt));
        }
      }
    }
    await drained(queue('mail-in'), 10 * 60_000);
    const trafficS = (Date.now() - t2) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const pids = { orchestrator: app.pid!, api: childPid(app.pid!, 'src/main/api.'), workers: childPid(app.pid!, 'src/main/workers.'), redis: redisStore.process.pid, 'mongo-java-server': store.process.pid };
    const measure = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, Math.round(rssMb(pid))]));
    const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const rss = measure();
    const total = sum(rss);
    clearInterval(sampler);
    // and once the mail parse threads have gone idle (they stop 30 s after their last mail)
    await new Promise((r) => setTimeout(r, IDLE_AFTER_MS));
    const idle = measure();
    const count = await db.collection('tickets').estimatedDocumentCount();
    const redisKeys = await redisBreakdown(redis);
    // a restart on the full store (the stores stay up, as after an app upgrade)
    await stopChild(app);
    const t3 = Date.now();
    app = start();
    const healthyFullMs = await healthy(base, 120_000);
    console.log(`  run ${run} (load ${loadAverage()}): ${count} tickets (${filled} seeded in ${fillS.toFixed(0)} s, rebuilds ${rebuildS.toFixed(0)} s (${rebuilds}), ${MAILS} mails (${retried} sends retried after a 4xx) + 200 API tickets with queue/search/reports (${unavailable} report calls answered other than 200, retried) ${trafficS.toFixed(0)} s); RSS MB right after the traffic ${Object.entries(rss).map(([k, v]) => `${k} ${v}`).join(', ')}: sum ${total} MB; ${IDLE_AFTER_MS / 1000} s later ${Object.entries(idle).map(([k, v]) => `${k} ${v}`).join(', ')}: sum ${sum(idle)} MB; healthy empty ${healthyEmptyMs} ms, restart on the full store ${Date.now() - t3} ms`);
    console.log(`  run ${run} redis: ${redisKeys}`);
    console.log(`  run ${run} workers: RSS peak ${Math.round(workersPeak)} MB (during the ${workersPeakAt})${HEAP_PROBE ? `; ${heapPeaks(path.join(dataDir, 'logs', 'workers.log'), pids.workers)}` : ''}`);
    if (HEAP_PROBE) console.log(`  run ${run} api: ${heapPeaks(path.join(dataDir, 'logs', 'api.log'), pids.api)}`);
    return { ...rss, total, idleTotal: sum(idle), healthyEmptyMs, healthyFullMs };
  } catch (err) {
    for (const name of ['api', 'workers']) console.error(`the end of ${name}.log:\n${fs.existsSync(path.join(dataDir, 'logs', `${name}.log`)) ? fs.readFileSync(path.join(dataDir, 'logs', `${name}.log`), 'utf8').split('\n').slice(-15).join('\n') : '(none)'}`);
    throw err;
  } finally {
    await stopChild(app);
    await redis.quit().catch(() => undefined);
    await client.close().catch(() => undefined);
    await Promise.all([store.stop(), redisStore.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const cancel = deadline(RUNS * 30 * 60_000, 'memory bench did not finish in time', 1);
  console.log(`memory of all npm start processes at ${TICKETS} tickets (H2 backend, mongo-java-server -Xmx${EMBEDDED_MONGO_HEAP} ${JVM_ARGS.join(' ') || '(no other options)'}, ${FROM_SOURCES ? 'from the sources under tsx' : 'compiled, as npm start'}; V8 options ${Object.entries(NODE_FLAGS).map(([k, v]) => `${k} ${v.join(' ')}`).join(', ')}${HEAP_PROBE ? ', heap-probe.cjs preloaded' : ''}); load ${loadAverage()}`);
  if (!FROM_SOURCES) execFileSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  const rows: Record<string, number>[] = [];
  for (let run = 1; run <= RUNS; run++) rows.push(await oneRun(run));
  const totals = rows.map((r) => r.total).sort((a, b) => a - b);
  const idles = rows.map((r) => r.idleTotal).sort((a, b) => a - b);
  console.log(`  sum of all processes right after the traffic: median ${totals[Math.floor(totals.length / 2)]} MB (${totals[0]}–${totals[totals.length - 1]}); ${IDLE_AFTER_MS / 1000} s later: median ${idles[Math.floor(idles.length / 2)]} MB (${idles[0]}–${idles[idles.length - 1]}); limit 1024 MB`);
  cancel();
}

runBench(main);
