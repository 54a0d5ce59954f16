/**
 * How long the KPI summary takes over a busy department's year: 100 000 tickets spread over 2029
 * (a tenth with messages, surveys for a third of the solved ones, follow-ups for a fifth, 30 000
 * calls, half of the tickets under a business-hours calendar), then GET /api/reports/summary for
 * one month and for the whole year, for each groupBy, through HTTP, plus the monthly
 * product-quality report. Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/reports.ts            (TICKETS=20000 for a quicker run)
 */
import { Types } from 'mongoose';
import { login, runBench, startBenchApp } from './lib/harness';

const TICKETS = Number(process.env.TICKETS ?? 100_000);
const BATCH = 5000;
const YEAR_START = Date.UTC(2029, 0, 1);
const YEAR_MS = 365 * 24 * 3600 * 1000;
const H = 3600 * 1000;
const CHANNELS = ['email', 'chat', 'voice', 'web'];
const TEAMS = ['support', 'tech', 'complaints', 'returns'];
const TYPES = ['inquiry', 'inquiry', 'inquiry', 'fault', 'fault', 'complaint', 'return', 'warranty'];
const MODELS = Array.from({ length: 20 }, (_, i) => `MODEL-${i + 1}`);

// a deterministic generator, so two runs measure the same data
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];

async function main() {
  const t0 = Date.now();
  const app = await startBenchApp({ name: 'reports', queuePrefix: 'benchrep', logLevel: 'silent', mongoHeap: '2g', workers: false });
  const { c, server } = app;
  try {
    const agents = (await c.models.Agent.find({ role: 'agent' }, { _id: 1 }).lean()).map((a) => a._id);
    const customer = (await c.models.Customer.findOne({}, { _id: 1 }).lean())!._id;
    await c.conn.collection('calendars').insertOne({ name: 'office', timeZone: 'Asia/Shanghai', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '18:00' })), holidays: [], workdays: [] });

    const tLoad = Date.now();
    let number = 100_000;
    let counts = { messages: 0, surveys: 0, callbacks: 0, calls: 0 };
    for (let done = 0; done < TICKETS; done += BATCH) {
      const tickets = [];
      const messages = [];
      const surveys = [];
      const callbacks = [];
      for (let i = 0; i < Math.min(BATCH, TICKETS - done); i++) {
        const _id = new Types.ObjectId();
        const createdAt = new Date(YEAR_START + Math.floor(rnd() * YEAR_MS));
        const responded = rnd() < 0.9;
        const solved = rnd() < 0.8;
        const firstResponseAt = responded ? new Date(createdAt.getTime() + Math.floor(rnd() * 4 * H)) : null;
        const solvedAt = solved ? new Date(createdAt.getTime() + Math.floor(rnd() * 72 * H)) : null;
        const status = solved ? (rnd() < 0.5 ? 'closed' : 'solved') : pick(['new', 'open', 'pending']);
        const type = pick(TYPES);
        const target = (ok: boolean) => ({ status: ok ? (rnd() < 0.9 ? 'hit' : 'breached') : 'active', dueAt: new Date(createdAt.getTime() + 24 * H) });
        tickets.push({
          _id, number: ++number, subject: `Bench ticket ${number}`, channel: pick(CHANNELS), status, priority: 'normal', type, team: pick(TEAMS),
          assigneeId: rnd() < 0.9 ? pick(agents) : null, customerId: customer, tags: [], product: type === 'inquiry' ? {} : { model: pick(MODELS), serial: `SN-${Math.floor(rnd() * 50000)}` },
          sla: { policy: 'bench', calendar: rnd() < 0.5 ? 'office' : null, firstResponse: target(responded), resolution: target(solved), escalationLevel: 0, escalations: [] },
          firstResponseAt, solvedAt, closedAt: status === 'closed' ? solvedAt : null, reopenCount: rnd() < 0.05 ? 1 : 0, messageCount: 1, preview: '', dedupeKey: `bench:${number}`, meta: {},
          createdAt, updatedAt: solvedAt ?? createdAt,
        });
        if (rnd() < 0.1) {
          messages.push(
            { ticketId: _id, ticketNumber: number, kind: 'message', author: { type: 'customer', id: null, name: 'C' }, body: 'help', internal: false, automatic: false, channel: 'email', dedupeKey: `bm:${number}:1`, createdAt, updatedAt: createdAt },
            { ticketId: _id, ticketNumber: number, kind: 'message', author: { type: 'agent', id: null, name: 'A' }, body: 'answer', internal: false, automatic: false, channel: 'email', dedupeKey: `bm:${number}:2`, createdAt: firstResponseAt ?? createdAt, updatedAt: createdAt },
          );
        }
        if (solvedAt && rnd() < 0.33) {
          const answered = rnd() < 0.4;
          surveys.push({ ticketId: _id, ticketNumber: number, team: 'support', channel: 'email', customerId: customer, status: answered ? 'answered' : 'offered', score: answered ? 1 + Math.floor(rnd() * 5) : null, round: 1, scheduledFor: solvedAt, offeredAt: new Date(solvedAt.getTime() + H), answeredAt: answered ? new Date(solvedAt.getTime() + 5 * H) : null, dedupeKey: `bs:${number}` });
        }
        if (solvedAt && rnd() < 0.2) {
          callbacks.push({ kind: 'follow_up', ticketId: _id, ticketNumber: number, team: 'support', status: pick(['done', 'done', 'failed', 'scheduled']), dueAt: new Date(solvedAt.getTime() + 72 * H), createdAt: solvedAt, updatedAt: solvedAt, dedupeKey: `bc:${number}` });
        }
      }
      const calls = Array.from({ length: Math.round((BATCH * 3) / 10) }, (_, i) => {
        const status = pick(['answered', 'answered', 'answered', 'missed', 'voicemail', 'abandoned']);
        return { callId: `bench-${done}-${i}`, team: pick(TEAMS), agentId: status === 'answered' ? pick(agents) : null, startedAt: new Date(YEAR_START + Math.floor(rnd() * YEAR_MS)), status, waitSec: Math.floor(rnd() * 90) };
      });
      await c.conn.collection('tickets').insertMany(tickets, { ordered: false });
      if (messages.length) await c.conn.collection('messages').insertMany(messages, { ordered: false });
      if (surveys.length) await c.conn.collection('surveys').insertMany(surveys, { ordered: false });
      if (callbacks.length) await c.conn.collection('callbacks').insertMany(callbacks, { ordered: false });
      await c.conn.collection('calls').insertMany(calls, { ordered: false });
      counts = { messages: counts.messages + messages.length, surveys: counts.surveys + surveys.length, callbacks: counts.callbacks + callbacks.length, calls: counts.calls + calls.length };
    }
    const loadMs = Date.now() - tLoad;
    console.log(`loaded ${TICKETS} tickets, ${counts.messages} messages, ${counts.surveys} surveys, ${counts.callbacks} follow-ups, ${counts.calls} calls in ${(loadMs / 1000).toFixed(1)} s`);

    const token = await login(server.url, 'manager@demo.local');
    const ranges = [
      ['month', 'from=2029-06-01&to=2029-07-01'],
      ['year', 'from=2029-01-01&to=2030-01-01'],
    ] as const;
    // one untimed request first: the JVM of mongo-java-server compiles its hot paths
    await fetch(`${server.url}/api/reports/summary?from=2029-03-01&to=2029-03-02`, { headers: { authorization: `Bearer ${token}` } });
    console.log('\nrange  groupBy  groups  tickets       ms');
    for (const [name, q] of ranges) {
      for (const groupBy of ['channel', 'team', 'agent', 'day']) {
        const times: number[] = [];
        let body: { groups: unknown[]; totals: { tickets: number } } | undefined;
        for (let i = 0; i < 1; i++) {
          const t = performance.now();
          const res = await fetch(`${server.url}/api/reports/summary?${q}&groupBy=${groupBy}`, { headers: { authorization: `Bearer ${token}` } });
          body = (await res.json()) as typeof body;
          if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
          times.push(performance.now() - t);
        }
        console.log(`${name.padEnd(6)} ${groupBy.padEnd(8)} ${String(body!.groups.length).padStart(6)} ${String(body!.totals.tickets).padStart(8)} ${times[0].toFixed(0).padStart(8)}`);
      }
    }
    const tq = performance.now();
    const pq = await fetch(`${server.url}/api/reports/product-quality?month=2029-06`, { headers: { authorization: `Bearer ${token}` } });
    const pqBody = (await pq.json()) as { tickets: number; models: unknown[] };
    console.log(`\nproduct-quality 2029-06: ${pqBody.tickets} tickets, ${pqBody.models.length} models in ${(performance.now() - tq).toFixed(0)} ms`);
    console.log(`total run ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await app.close();
  }
}

runBench(main);
