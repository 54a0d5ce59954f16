/**
 * The embedded store's heap against the worst reads it serves (issue #23: the store's heap sized
 * and stated): the rebuilds of the ticket search index (every ticket, then every message with its
 * body) and of the live queue (every live ticket, whole), at TICKETS tickets with two messages
 * each (bench/lib/fill.ts; FULLBODY=<chars> gives every message a `fullBody` of that size, as mail
 * has), read the way the workers read them:
 *  - `one query`: one query per collection read to its end in batches (the rebuilds before);
 *  - `id slices`: the `_id`s in one query, then the documents by `_id` 100 at a time (inIdSlices,
 *    what the rebuilds do now).
 * mongo-java-server collects everything a query matched into a list its cursor keeps until the last
 * batch is fetched, so the first holds the whole pass in the heap. For each JVM option set and read
 * mode: a copy of one seeded H2 file, the store started on it, the reads, the heap used and
 * committed sampled with `jstat -gc` every 250 ms (peak), the store's RSS at the peak and 20 s after
 * the reads, its CPU for the reads, and whether a read failed (an OutOfMemoryError answers as an
 * error or kills the store).
 *   npx tsx bench/store-heap.ts        (TICKETS=50000 FULLBODY=0; ONLY=<i> one option set; JVM="…" HEAP=… one more)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mongo } from 'mongoose';
import { inBatches, inIdSlices } from '../src/infra/batches';
import { EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM, startMongo, storeJvmOptions } from '../scripts/lib/embedded-stores';
import { fillTickets } from './lib/fill';
import { loadAverage, processCpuSeconds, runBench } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 50_000);
const FULLBODY = Number(process.env.FULLBODY ?? 0);
const BATCH = 1000;
/** the rebuilds' slice (TicketIndex.rebuild, QueueRebuild) */
const SLICE = 100;
const SETTLE_MS = 20_000;
const LIVE = ['new', 'open', 'pending', 'on_hold'];

type Mode = 'one query' | 'id slices';
const VARIANTS: [string, string, string[], Mode][] = [
  ['before: 256m', '256m', [...EMBEDDED_MONGO_JVM], 'one query'],
  ['192m', '192m', [...EMBEDDED_MONGO_JVM], 'one query'],
  ['192m', '192m', [...EMBEDDED_MONGO_JVM], 'id slices'],
  ['128m', '128m', [...EMBEDDED_MONGO_JVM], 'id slices'],
  ['192m G1, periodic GC', '192m', ['-XX:+UseG1GC', '-XX:G1PeriodicGCInterval=5000', ...EMBEDDED_MONGO_JVM], 'id slices'],
];

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The heap used and committed (MB), from `jstat -gc` (young + old generations). */
function heapMb(pid: number): Promise<{ used: number; committed: number } | null> {
  return new Promise((resolve) => {
    execFile('jstat', ['-gc', String(pid)], { timeout: 5000 }, (err, out) => {
      if (err) return resolve(null);
      const [head, row] = out.trim().split('\n');
      const h = head.trim().split(/\s+/);
      const v = row.trim().split(/\s+/).map(Number);
      const f = (k: string) => v[h.indexOf(k)] ?? 0;
      resolve({ used: Math.round((f('S0U') + f('S1U') + f('EU') + f('OU')) / 1024), committed: Math.round((f('S0C') + f('S1C') + f('EC') + f('OC')) / 1024) });
    });
  });
}

/** The reads of the two rebuilds, the way `mode` reads; answers the documents read. */
async function rebuildReads(db: mongo.Db, mode: Mode): Promise<number> {
  const passes: [string, mongo.Filter<mongo.Document>, mongo.Document | undefined][] = [
    ['tickets', {}, { number: 1, team: 1, subject: 1, product: 1, tags: 1 }],
    ['messages', { kind: 'message' }, { ticketId: 1, body: 1, fullBody: 1, internal: 1, automatic: 1 }],
    ['tickets', { status: { $in: LIVE } }, undefined],
  ];
  let n = 0;
  for (const [name, filter, projection] of passes) {
    const c = db.collection(name);
    const pages =
      mode === 'one query'
        ? inBatches(c.find(filter, { projection, batchSize: BATCH }), BATCH)
        : inIdSlices(c.find(filter, { projection: { _id: 1 }, batchSize: 10_000 }), SLICE, (ids) => c.find({ _id: { $in: ids.map((id) => new mongo.ObjectId(id)) } }, { projection }).toArray());
    for await (const page of pages) n += page.length;
  }
  return n;
}

async function one(seedFile: string, name: string, heap: string, jvmArgs: string[], mode: Mode): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-heap-'));
  const file = path.join(dir, 'store.mv');
  fs.copyFileSync(seedFile, file);
  const store = await startMongo({ file, maxHeap: heap, jvmArgs });
  const pid = store.process.pid!;
  let died = false;
  store.process.once('exit', () => (died = true));
  const client = await mongo.MongoClient.connect(store.url, { serverSelectionTimeoutMS: 60_000 });
  let peak = { used: 0, committed: 0, rss: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling && !died) {
      const h = await heapMb(pid);
      if (h) peak = { used: Math.max(peak.used, h.used), committed: Math.max(peak.committed, h.committed), rss: Math.max(peak.rss, rssMb(pid)) };
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    const before = rssMb(pid);
    const cpu0 = processCpuSeconds(pid);
    const t0 = Date.now();
    let outcome: string;
    try {
      outcome = `${await rebuildReads(client.db('bench'), mode)} documents`;
    } catch (err) {
      outcome = `FAILED: ${(err as Error).message.slice(0, 120)}`;
    }
    const ms = Date.now() - t0;
    const cpuMs = died ? NaN : (processCpuSeconds(pid) - cpu0) * 1000;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    sampling = false;
    await sampler;
    const after = died ? 'store died' : `${rssMb(pid)} MB (heap ${JSON.stringify(await heapMb(pid))})`;
    console.log(`  ${name.padEnd(24)} ${mode.padEnd(10)} ${storeJvmOptions({ maxHeap: heap, jvmArgs }).join(' ')}\n    ${outcome} in ${(ms / 1000).toFixed(1)} s, store CPU ${cpuMs.toFixed(0)} ms; peak heap used ${peak.used} MB, committed ${peak.committed} MB; RSS before ${before}, peak ${peak.rss}, ${SETTLE_MS / 1000} s after ${after}; load ${loadAverage()}`);
  } finally {
    sampling = false;
    await sampler;
    await client.close().catch(() => undefined);
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.env.JVM) VARIANTS.push(['JVM=', process.env.HEAP ?? EMBEDDED_MONGO_HEAP, process.env.JVM.split(/\s+/), (process.env.MODE as Mode) ?? 'id slices']);
  console.log(`the store's heap against the rebuilds' reads: ${TICKETS} tickets, 2 messages each${FULLBODY ? `, fullBody ${FULLBODY} chars` : ''}; load ${loadAverage()}`);
  const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-heap-seed-'));
  const seedFile = path.join(seedDir, 'seed.mv');
  try {
    const seeder = await startMongo({ file: seedFile, maxHeap: '512m' });
    const client = await mongo.MongoClient.connect(seeder.url, { serverSelectionTimeoutMS: 120_000 });
    const t0 = Date.now();
    await fillTickets(client.db('bench'), 0, TICKETS, { messages: 2 });
    if (FULLBODY) await client.db('bench').collection('messages').updateMany({}, { $set: { fullBody: `${'The full text of the mail, quoted history included. '.repeat(Math.ceil(FULLBODY / 52))}`.slice(0, FULLBODY) } });
    console.log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    await client.close();
    await seeder.stop();
    const only = process.env.ONLY ? process.env.ONLY.split(',').map(Number) : undefined;
    for (const [i, v] of VARIANTS.entries()) if (!only || only.includes(i)) await one(seedFile, ...v);
  } finally {
    fs.rmSync(seedDir, { recursive: true, force: true });
  }
}

runBench(main);
