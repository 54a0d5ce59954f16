/**
 * The embedded store's JVM options against its memory and its CPU per operation (issue #23: the
 * store's heap sized and stated; options that cut its memory must not blindly cost its speed).
 * For each set of options: mongo-java-server with the H2 file backend, a bulk seed of TICKETS
 * tickets (two messages each, bench/lib/fill.ts), then OPS rounds of what the hot paths do — a
 * ticket read by `_id`, a conditional update by `_id` + status, a message insert, a contact read by
 * its unique key — from 8 concurrent clients, then 30 scans of the tickets (a filter no index serves); prints the store's CPU per round and per scan (utime + stime
 * from /proc) and its resident memory after the seed and after the rounds.
 *   npx tsx bench/store-jvm.ts        (TICKETS=20000 OPS=20000 to change)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mongo } from 'mongoose';
import { EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM, startMongo } from '../scripts/lib/embedded-stores';
import { fillTickets } from './lib/fill';
import { loadAverage, processCpuSeconds, runBench } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 20_000);
const OPS = Number(process.env.OPS ?? 20_000);
const CLIENTS = 8;
const SCANS = 30;

const VARIANTS: [string, string, string[]][] = [
  ['before (SerialGC only)', '256m', []],
  ['npm start (EMBEDDED_MONGO_JVM)', EMBEDDED_MONGO_HEAP, [...EMBEDDED_MONGO_JVM]],
  ['npm start without C1 only', EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM.filter((o) => o !== '-XX:TieredStopAtLevel=1')],
];

function rssMb(pid: number | undefined): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function one(name: string, heap: string, jvmArgs: string[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-jvm-'));
  const store = await startMongo({ file: path.join(dir, 'store.mv'), maxHeap: heap, jvmArgs });
  const client = await mongo.MongoClient.connect(store.url, { maxPoolSize: CLIENTS });
  try {
    const db = client.db('bench');
    await fillTickets(db, 0, TICKETS, { messages: 2 });
    const seeded = rssMb(store.process.pid);
    const tickets = await db.collection('tickets').find({}, { projection: { _id: 1 } }).limit(5000).toArray();
    const cpu0 = processCpuSeconds(store.process.pid);
    const t0 = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < OPS) {
          const i = next++;
          const _id = tickets[i % tickets.length]._id;
          const t = await db.collection('tickets').findOne({ _id });
          await db.collection('tickets').updateOne({ _id, status: t!.status }, { $set: { updatedAt: new Date(), preview: `round ${i}` } });
          await db.collection('messages').insertOne({ ticketId: _id, kind: 'message', body: `Round ${i}: the drum still rattles at spin.`, createdAt: new Date() });
          await db.collection('contacts').findOne({ _id: `email:filled${i % TICKETS}@example.net` as never });
        }
      }),
    );
    const cpuMs = (processCpuSeconds(store.process.pid) - cpu0) * 1000;
    // and what the code a JIT compiles best: collection scans (reports, rebuilds; the store ignores non-unique indexes)
    const cpu1 = processCpuSeconds(store.process.pid);
    for (let i = 0; i < SCANS; i++) await db.collection('tickets').countDocuments({ status: 'open', priority: i % 2 ? 'high' : 'normal' });
    const scanMs = ((processCpuSeconds(store.process.pid) - cpu1) * 1000) / SCANS;
    console.log(`  ${name.padEnd(34)} -Xmx${heap} ${jvmArgs.join(' ') || '-'}\n    ${((cpuMs / OPS) * 1000).toFixed(0)} µs store CPU per round (4 commands), ${Math.round(OPS / ((Date.now() - t0) / 1000))} rounds/s, ${scanMs.toFixed(0)} ms per scan of the tickets; RSS after the seed ${seeded} MB, after the rounds ${rssMb(store.process.pid)} MB; load ${loadAverage()}`);
  } finally {
    await client.close();
    await store.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`store JVM options: ${TICKETS} tickets seeded (2 messages each), ${OPS} rounds from ${CLIENTS} clients; load ${loadAverage()}`);
  if (process.env.JVM) VARIANTS.push(['JVM=', process.env.HEAP ?? EMBEDDED_MONGO_HEAP, process.env.JVM.split(/\s+/)]);
  const only = process.env.ONLY ? Number(process.env.ONLY) : undefined;
  for (const [i, v] of VARIANTS.entries()) if (only === undefined || only === i) await one(...v);
}

runBench(main);
