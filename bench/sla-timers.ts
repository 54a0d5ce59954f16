/**
 * SLA timers at scale: schedules PENDING (default 100 000) far-future timers into the same timer
 * set the service uses (one entry per ticket: src/infra/timer-set.ts), then creates SAMPLE
 * (default 200) real tickets under a PT20S first-response policy and measures, for each, the time
 * from its due time to the supervisor's socket receiving the `escalation` breach event (target
 * p99 ≤ 200 ms). The supervisor's socket.io client runs in a child process, so its clock reading
 * does not wait for the app's event loop.
 *
 * Where the time goes, per breach (every stage a timestamp, printed as p50/p99 from the due time
 * and from the stage before):
 *   due        the target's due time (the payload's dueAt)
 *   claimed    the workers' timer loop claimed the ticket (its claim's answer reached the app)
 *   read       the evaluator's read of the ticket by _id (alone or batched by _id $in) answered (MongoDB command monitoring)
 *   decided    the evaluator recorded the escalation (the payload's `at`)
 *   written    the conditional write of the SLA state was acknowledged (command monitoring)
 *   published  the notifier handed the event to Realtime (the SPUBLISH)
 *   api-in     the API node's Socket.IO adapter received it from Redis
 *   api-out    … and wrote it to the sockets of the room
 *   client     the supervisor's client received it
 * The claim that triggered the breach is the one of this ticket last before the decision (a
 * warning's claim that runs late finds the breach too; a breach no claim explains is counted as
 * found by the sweeper). Lost (no breach received) and doubled (one breach received
 * twice) are counted and must be 0. Also prints the CPU the app, store and Redis spent and the
 * app's event-loop delay over the breach window, with the load average.
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/sla-timers.ts            (PENDING=100000 SAMPLE=200 TARGET=PT20S RATE=0 to change;
 *                                          RATE=50: the sample made, and so falling due, at 50 tickets/s;
 *                                          SLA_TIMER_CONCURRENCY=8: the timer loop's evaluations at once;
 *                                          AT_ONCE=40: sample tickets created 40 at once, a denser burst than 10)
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Types } from 'mongoose';
import type { SlaService } from '../src/modules/sla/sla.service';
import type { TimerSet } from '../src/infra/timer-set';
import { QUEUE_NAMES } from '../src/infra/queues';
import { deadline, loadAverage, login, percentile, processCpuSeconds, runBench, spawnClient, startBenchApp, summary } from './lib/harness';

const PENDING = Number(process.env.PENDING ?? 100_000);
const SAMPLE = Number(process.env.SAMPLE ?? 200);
const TARGET = process.env.TARGET ?? 'PT20S';
/** sample tickets created per second (so breaches fall due at that rate); 0: as fast as creation goes */
const RATE = Number(process.env.RATE ?? 0);
const BATCH = 1000;
/** sample tickets created at once (AT_ONCE=40: a denser burst than the default 10) */
const AT_ONCE = Number(process.env.AT_ONCE ?? 10);
/** PROFILE=file.cpuprofile: a CPU profile of this process (the app) over the breach window, with its top functions by self time */
const PROFILE = process.env.PROFILE;

/** The supervisor's client, as plain JS in a child process: records every `escalation` with its arrival time. */
const CLIENT = `
const { io } = require('socket.io-client');
const { url, token } = JSON.parse(process.env.BENCH);
const got = [];
const s = io(url + '/agents', { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
s.on('escalation', (e) => got.push({ t: Date.now(), id: e.id, ticketNumber: e.ticketNumber, kind: e.kind, level: e.level, target: e.target, dueAt: e.dueAt, at: e.at }));
s.once('connect', () => process.send({ ready: true }));
s.once('connect_error', (err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
process.once('message', () => { s.disconnect(); process.stdout.write(JSON.stringify(got), () => process.exit(0)); });
`;

interface Received {
  t: number;
  id: string;
  ticketNumber: number;
  kind: string;
  level: number;
  target: string;
  dueAt: string | null;
  at: string;
}

const STAGES = ['due', 'claimed', 'read', 'decided', 'written', 'published', 'api-in', 'api-out', 'client'] as const;
type Stage = (typeof STAGES)[number];

async function main(): Promise<void> {
  const cancelDeadline = deadline(420_000, 'bench did not finish within 7 minutes');
  // SLA_TIMER_CONCURRENCY: the timer loop's evaluations at once (the app's default unless given)
  const env = process.env.SLA_TIMER_CONCURRENCY ? { SLA_TIMER_CONCURRENCY: process.env.SLA_TIMER_CONCURRENCY } : undefined;
  const app = await startBenchApp({ name: 'sla', mongoHeap: '1g', monitorCommands: true, env });
  console.log(`timer loop: ${app.c.config.slaTimerConcurrency} evaluations at once`);
  const { c, server } = app;
  try {
    const sla = (c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
    await sla.policies.create({ name: 'bench', order: 0, match: { channel: 'web', priority: 'urgent' }, targets: { firstResponse: TARGET } });

    // 1. the pending load: far-future timers of (unknown) tickets, written the way the service does
    const inner = sla as unknown as { d: Record<string, Record<string, unknown> | undefined> & { due: TimerSet }; notifier: Record<string, unknown> };
    const timers = inner.d.due;
    const far = Date.now() + 30 * 24 * 3600_000;
    const t0 = performance.now();
    for (let i = 0; i < PENDING; i += BATCH) {
      await Promise.all(Array.from({ length: Math.min(BATCH, PENDING - i) }, (_, j) => timers.put(new Types.ObjectId().toHexString(), far + (i + j) * 1000, 1)));
    }
    const schedSec = (performance.now() - t0) / 1000;
    console.log(`scheduled ${PENDING} timers in ${schedSec.toFixed(1)} s: ${Math.round(PENDING / schedSec)} timers/s (entries in the timer set: ${await timers.size()})`);

    // 2. the probes (the bench's own listeners; nothing of the app's path is replaced)
    const stamps = new Map<string, Partial<Record<Stage, number>>>(); // by escalation id
    const stamp = (id: string, stage: Stage, t = Date.now()) => {
      const s = stamps.get(id) ?? {};
      s[stage] ??= t;
      stamps.set(id, s);
    };
    // MongoDB: the SLA writes carrying new escalations, and the reads of tickets by _id
    const client = c.conn.getClient();
    const pendingWrites = new Map<number, string[]>(); // requestId → escalation ids in the write
    const pendingReads = new Map<number, string[]>(); // requestId → ticket ids (a read by _id, or a batch of them by _id $in)
    const reads = new Map<string, number[]>(); // ticket id → answered reads
    let mongoCommands = 0;
    client.on('commandStarted', (e) => {
      const cmd = e.command as Record<string, any>;
      if (Date.now() >= windowFrom && !['ping', 'hello', 'ismaster', 'endSessions', 'getMore', 'killCursors'].includes(e.commandName)) mongoCommands++;
      // the SLA write: a findAndModify (before the lean evaluation, and every other SLA write) or an update
      const slaSet = cmd.findAndModify === 'tickets' ? cmd.update?.$set?.sla : cmd.update === 'tickets' && cmd.updates?.length === 1 ? cmd.updates[0].u?.$set?.sla : undefined;
      if (slaSet?.escalations) {
        pendingWrites.set(e.requestId, (slaSet.escalations as { _id: unknown }[]).map((x) => String(x._id)));
      } else if (cmd.find === 'tickets' && cmd.filter?._id) pendingReads.set(e.requestId, Array.isArray(cmd.filter._id.$in) ? cmd.filter._id.$in.map(String) : [String(cmd.filter._id)]);
    });
    client.on('commandSucceeded', (e) => {
      const t = Date.now();
      const ids = pendingWrites.get(e.requestId);
      if (ids) {
        pendingWrites.delete(e.requestId);
        const reply = e.reply as { value?: unknown; n?: number };
        if (reply.value || reply.n) for (const id of ids) stamp(id, 'written', t);
      }
      for (const read of pendingReads.get(e.requestId) ?? []) {
        const list = reads.get(read) ?? [];
        list.push(t);
        reads.set(read, list);
      }
      pendingReads.delete(e.requestId);
    });
    client.on('commandFailed', (e) => (pendingWrites.delete(e.requestId), pendingReads.delete(e.requestId)));
    // Realtime: the notifier's publish
    const toAgents = c.realtime.toAgents.bind(c.realtime);
    const breachesSent = new Set<number>(); // ticket numbers (the window ends when every sample ticket's breach left)
    c.realtime.toAgents = ((ids: string[], event: string, payload: { id?: string; kind?: string; level?: number; ticketNumber?: number }) => {
      if (event === 'escalation' && payload.id) stamp(payload.id, 'published');
      if (event === 'escalation' && payload.kind === 'breach' && payload.level === 1) breachesSent.add(payload.ticketNumber!);
      return toAgents(ids, event as never, payload as never);
    }) as typeof c.realtime.toAgents;
    // the API node's adapter: the message from Redis, then its broadcast to the sockets
    const adapter = server.io.of('/agents').adapter as unknown as { onMessage: (m: unknown, offset?: string) => unknown };
    const onMessage = adapter.onMessage.bind(adapter);
    adapter.onMessage = (m: unknown, offset?: string) => {
      const data = (m as { data?: { packet?: { data?: unknown[] } } }).data?.packet?.data;
      const id = data?.[0] === 'escalation' ? (data[1] as { id?: string }).id : undefined;
      if (id) stamp(id, 'api-in');
      const out = onMessage(m, offset);
      if (id) stamp(id, 'api-out');
      return out;
    };

    // inside a timer's job: how long each part of the evaluation and its after-work takes (wrapped
    // where the service holds them; the same objects, timed)
    const parts = new Map<string, number[]>();
    const spans = new Map<string, [from: number, to: number][]>(); // the same calls' wall-clock spans
    const timed = (name: string, obj: Record<string, unknown> | undefined, method: string) => {
      const fn = obj?.[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
      if (!obj || typeof fn !== 'function') return;
      obj[method] = async (...a: unknown[]) => {
        const start = performance.now();
        const wall = Date.now();
        try {
          return await fn.apply(obj, a);
        } finally {
          if (Date.now() >= windowFrom) {
            (parts.get(name) ?? parts.set(name, []).get(name)!).push(performance.now() - start);
            (spans.get(name) ?? spans.set(name, []).get(name)!).push([wall, Date.now()]);
          }
        }
      };
    };
    let windowFrom = Infinity;
    timed('check (whole evaluation)', sla as unknown as Record<string, unknown>, 'check');
    timed('  tickets.byId', inner.d.tickets, 'byId');
    timed('  notifier.recipients', inner.notifier, 'recipients');
    timed('  notifier.send (socket + mails)', inner.notifier, 'send');
    timed('  notifier.mail', inner.notifier, 'mail');
    timed('followUp (mails, timeline line)', sla as unknown as Record<string, unknown>, 'followUp');
    timed('  timeline.addEvent', inner.d.timeline, 'addEvent');
    timed('  due.put (the timer re-planned)', inner.d.due as unknown as Record<string, unknown>, 'put');
    timed('  live.refresh', inner.d.live, 'refresh');

    // the timer loop's claims: when each ticket's claim reached the app (the same object, observed)
    const claims = new Map<string, number[]>(); // ticket id → claim times
    const claim = timers.claim.bind(timers);
    let claimCalls = 0;
    timers.claim = async (...a: Parameters<TimerSet['claim']>) => {
      const out = await claim(...a);
      const t = Date.now();
      if (t >= windowFrom) claimCalls++;
      for (const id of out.ids) (claims.get(id) ?? claims.set(id, []).get(id)!).push(t);
      return out;
    };

    // 3. the supervisor's socket, in its own process
    const token = await login(server.url, 'supervisor@demo.local');
    const sup = spawnClient<Received[]>(CLIENT, { url: server.url, token }, { ipc: true });
    await new Promise<void>((resolve) => sup.child.once('message', () => resolve()));

    // 4. the sample: real tickets whose first response falls due while the 100 000 wait
    const byNumber = new Map<number, string>(); // ticket number → id
    const redisCommands = async () => Number(/total_commands_processed:(\d+)/.exec(await c.redis.info('stats'))![1]);
    const createRedis0 = await redisCommands();
    const createCpu0 = process.cpuUsage();
    const t1 = performance.now();
    for (let i = 0; i < SAMPLE; i += AT_ONCE) {
      // RATE paces the sample (their timers then fall due at that rate); unset: as fast as creation goes
      if (RATE > 0) await sleep(Math.max(0, t1 + (1000 * i) / RATE - performance.now()));
      const made = await Promise.all(
        Array.from({ length: Math.min(AT_ONCE, SAMPLE - i) }, (_, j) =>
          c.tickets.create({ channel: 'web', subject: `Bench ${i + j}`, team: 'support', priority: 'urgent', customer: { name: `Bench ${i + j}`, email: `bench${i + j}@example.com` }, message: { channel: 'web', body: 'help', author: { type: 'customer', name: 'Bench' } } }, { type: 'system', name: 'bench' }),
        ),
      );
      for (const m of made) byNumber.set(m.ticket.number, String(m.ticket._id));
    }
    const createSec = (performance.now() - t1) / 1000;
    const createCpu = process.cpuUsage(createCpu0);
    const createRedis = (await redisCommands()) - createRedis0 - 1;
    console.log(`created ${SAMPLE} sample tickets (policy applied, one timer each) in ${createSec.toFixed(1)} s: ${Math.round(SAMPLE / createSec)} tickets/s; per ticket app CPU ${((createCpu.user + createCpu.system) / 1000 / SAMPLE).toFixed(1)} ms, Redis commands ${(createRedis / SAMPLE).toFixed(1)} (the creation and what it queued that ran meanwhile)`);

    // the window: from 1 s before the first warning until every breach was published (or 60 s past the last due time)
    const stored0 = await c.models.Ticket.find({ 'sla.policy': 'bench' }, { 'sla.firstResponse.dueAt': 1, 'sla.firstResponse.warnAt': 1 }).lean();
    const dues = stored0.map((t) => t.sla!.firstResponse!.dueAt!.getTime()).sort((a, b) => a - b);
    const firstWarn = Math.min(...stored0.map((t) => t.sla!.firstResponse!.warnAt?.getTime() ?? Infinity), dues[0]);
    const firstDue = dues[0];
    const lastDue = dues[dues.length - 1];
    // the window holds every sample ticket's warning and breach (with their mails and timeline lines)
    await new Promise((r) => setTimeout(r, Math.max(0, firstWarn - 1_000 - Date.now())));
    const pids = { store: app.stores.mongo.process.pid, redis: app.stores.redis.process.pid };
    const redis0 = await redisCommands();
    const profiler = PROFILE ? new Session() : null;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    windowFrom = Date.now();
    const cpu0 = { app: process.cpuUsage(), store: processCpuSeconds(pids.store), redis: processCpuSeconds(pids.redis), at: Date.now() };
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    // (no polling of the store in the window: a count there is a scan competing with the evaluator)
    // a round-trip probe every 100 ms: Redis PING on the app's command client, MongoDB ping on its pool
    const rtt = { redis: [] as number[], mongo: [] as number[] };
    const admin = c.conn.db!.admin();
    while (Date.now() < lastDue + 60_000) {
      const p0 = performance.now();
      await c.redis.ping();
      const p1 = performance.now();
      await admin.ping();
      rtt.redis.push(p1 - p0);
      rtt.mongo.push(performance.now() - p1);
      await new Promise((r) => setTimeout(r, 100));
      if (Date.now() > lastDue && [...byNumber.keys()].every((n) => breachesSent.has(n))) break;
    }
    lag.disable();
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(PROFILE!, JSON.stringify(profile));
      printProfile(profile);
    }
    const appCpu = process.cpuUsage(cpu0.app);
    const windowSec = (Date.now() - cpu0.at) / 1000;
    const redisCount = (await redisCommands()) - redis0;
    const mongoCount = mongoCommands;
    const cpu = { app: (appCpu.user + appCpu.system) / 1e6, store: processCpuSeconds(pids.store) - cpu0.store, redis: processCpuSeconds(pids.redis) - cpu0.redis };
    // then until the follow-ups (mails, timeline lines: notify, mail-out) are done too: the whole cost per ticket
    const queuesBusy = async () => {
      let n = 0;
      for (const q of ['notify', 'mail-out'] as const) {
        const counts = await c.queues.get(q).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        n += Object.values(counts).reduce((a, b) => a + b, 0);
      }
      return n;
    };
    const followFrom = Date.now();
    while ((await queuesBusy()) > 0 && Date.now() < followFrom + 60_000) await new Promise((r) => setTimeout(r, 200));
    const allCpu = process.cpuUsage(cpu0.app);
    const all = { app: (allCpu.user + allCpu.system) / 1e6, store: processCpuSeconds(pids.store) - cpu0.store, redis: (await redisCommands()) - redis0, mongo: mongoCommands, sec: (Date.now() - cpu0.at) / 1000, follow: (Date.now() - followFrom) / 1000 };
    await new Promise((r) => setTimeout(r, 1_000)); // the last events on their way to the client
    sup.child.send({ stop: true });
    const received = await sup.result;

    // every other queue's jobs in the window (what competes with the timers in this process)
    const others: string[] = [];
    for (const q of QUEUE_NAMES) {
      const started = new Map<string, number>();
      let n = 0;
      let ms = 0;
      for (const [sid, fields] of (await c.redis.xrange(`${c.config.queuePrefix}:${q}:events`, String(cpu0.at), '+')) as [string, string[]][]) {
        const f: Record<string, string> = {};
        for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1];
        const at = Number(sid.split('-')[0]);
        if (f.event === 'active') started.set(f.jobId, at);
        else if ((f.event === 'completed' || f.event === 'failed') && started.has(f.jobId)) (n++, (ms += at - started.get(f.jobId)!));
      }
      if (n) others.push(`${q} ${n} (${(ms / 1000).toFixed(1)} job-s)`);
    }

    // 6. per breach: the stages, the trigger, lost and doubled
    const breaches = received.filter((e) => e.kind === 'breach' && e.level === 1 && e.target === 'firstResponse' && byNumber.has(e.ticketNumber));
    const perTicket = new Map<number, Received[]>();
    for (const e of breaches) perTicket.set(e.ticketNumber, [...(perTicket.get(e.ticketNumber) ?? []), e]);
    const doubled = [...perTicket.values()].filter((l) => l.length > 1).length;
    const lost = SAMPLE - perTicket.size;
    const rows: Record<Stage, number>[] = [];
    let byTimer = 0;
    let bySweep = 0;
    for (const [number, list] of perTicket) {
      const e = list[0];
      const s = stamps.get(e.id) ?? {};
      const ticketId = byNumber.get(number)!;
      const decided = Date.parse(e.at);
      const claimed = Math.max(-Infinity, ...(claims.get(ticketId) ?? []).filter((t) => t <= decided));
      if (Number.isFinite(claimed)) byTimer++;
      else bySweep++;
      const read = Math.max(-Infinity, ...(reads.get(ticketId) ?? []).filter((t) => t <= decided));
      rows.push({ due: Date.parse(e.dueAt!), claimed, read, decided, written: s.written ?? NaN, published: s.published ?? NaN, 'api-in': s['api-in'] ?? NaN, 'api-out': s['api-out'] ?? NaN, client: e.t });
    }
    const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '-');
    console.log(`\nper stage, ${rows.length} breaches (ms; "since due" is the stage's time after the due time, "step" the time from the stage before):`);
    console.log(`  ${'stage'.padEnd(10)} ${'since due p50'.padStart(14)} ${'p99'.padStart(7)} ${'step p50'.padStart(10)} ${'p99'.padStart(7)} ${'max'.padStart(7)}`);
    for (let i = 1; i < STAGES.length; i++) {
      const st = STAGES[i];
      const since = rows.map((r) => r[st] - r.due).filter(Number.isFinite).sort((a, b) => a - b);
      const prev = STAGES[i - 1];
      const step = rows.map((r) => r[st] - r[prev]).filter(Number.isFinite).sort((a, b) => a - b);
      console.log(`  ${st.padEnd(10)} ${fmt(percentile(since, 0.5)).padStart(14)} ${fmt(percentile(since, 0.99)).padStart(7)} ${fmt(percentile(step, 0.5)).padStart(10)} ${fmt(percentile(step, 0.99)).padStart(7)} ${fmt(step[step.length - 1]).padStart(7)}${step.length < rows.length ? `  (${step.length} of ${rows.length} seen)` : ''}`);
    }
    const dueSpread = (lastDue - firstDue) / 1000;
    console.log(`triggered by their own timer's claim ${byTimer}, by the sweeper ${bySweep}; the ${SAMPLE} breaches fell due within ${dueSpread.toFixed(1)} s`);
    // what ran while the breaches were on their way (first due time → last breach published): the follow-ups compete with them
    const lastPublished = Math.max(...rows.map((r) => r.published).filter(Number.isFinite));
    const during = (name: string) => (spans.get(name) ?? []).filter(([from, to]) => from < lastPublished && to > firstDue);
    const fu = during('followUp (mails, timeline line)');
    console.log(`during the breaches (${((lastPublished - firstDue) / 1000).toFixed(1)} s from the first due time to the last breach published): ${fu.length} follow-ups running (${(fu.reduce((a, [f, t]) => a + Math.min(t, lastPublished) - Math.max(f, firstDue), 0) / 1000).toFixed(1)} job-s), ${during('check (whole evaluation)').length} evaluations`);
    const ran = parts.get('check (whole evaluation)') ?? [];
    const busy = ran.reduce((a, b) => a + b, 0) / 1000;
    console.log(`evaluations in the window (warnings and breaches) ${ran.length} from ${claimCalls} claims: ${busy.toFixed(1)} evaluation-seconds, ${(busy / windowSec).toFixed(1)} running on average`);
    console.log(`other queues' jobs in the window: ${others.join(', ') || 'none'}`);
    console.log('inside the jobs (ms per call in the window):');
    for (const [name, v] of parts) {
      const p = summary(v);
      console.log(`  ${name.padEnd(34)} ${String(v.length).padStart(5)} calls  p50 ${p.p50.toFixed(1).padStart(7)}  p99 ${p.p99.toFixed(1).padStart(7)}`);
    }
    const per = (v: number) => ((1000 * v) / SAMPLE).toFixed(1);
    console.log(`cost per sample ticket over the window (its warning and its breach, their mails and timeline lines, whatever else ran): app CPU ${per(cpu.app)} ms, store CPU ${per(cpu.store)} ms, Redis CPU ${per(cpu.redis)} ms; MongoDB commands ${(mongoCount / SAMPLE).toFixed(1)}, Redis commands ${((redisCount - rtt.redis.length) / SAMPLE).toFixed(1)} (probes not counted)`);
    console.log(`with the follow-ups done too (${all.follow.toFixed(1)} s after the window; ${all.sec.toFixed(1)} s in all): app CPU ${per(all.app)} ms, store CPU ${per(all.store)} ms; MongoDB commands ${(all.mongo / SAMPLE).toFixed(1)}, Redis commands ${((all.redis - rtt.redis.length) / SAMPLE).toFixed(1)} per sample ticket (the follow-ups' queue polls not subtracted)`);
    const rr = summary(rtt.redis);
    const rm = summary(rtt.mongo);
    console.log(`round-trip probes in the window: Redis PING p50 ${rr.p50.toFixed(1)} ms p99 ${rr.p99.toFixed(1)} ms, MongoDB ping p50 ${rm.p50.toFixed(1)} ms p99 ${rm.p99.toFixed(1)} ms (${rr.n} each)`);
    console.log(`window ${windowSec.toFixed(1)} s: CPU app ${cpu.app.toFixed(1)} s (${Math.round((100 * cpu.app) / windowSec)} % of a core), store ${cpu.store.toFixed(1)} s, Redis ${cpu.redis.toFixed(1)} s; app event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms`);

    const stored = await c.models.Ticket.find({ 'sla.policy': 'bench' }, { sla: 1 }).lean();
    const evalLate = stored.filter((t) => t.sla?.firstResponse?.breachedAt).map((t) => t.sla!.firstResponse!.breachedAt!.getTime() - t.sla!.firstResponse!.dueAt!.getTime());
    const evalS = summary(evalLate);
    const lateS = summary(rows.map((r) => r.client - r.due));
    console.log(`evaluation lateness (due → breach decided, as stored): median ${evalS.p50} ms, p99 ${evalS.p99} ms`);
    console.log(`breach lateness, due time → supervisor socket, ${perTicket.size}/${SAMPLE} received (lost ${lost}, doubled ${doubled}) with ${PENDING} pending: median ${lateS.p50} ms, p99 ${lateS.p99} ms, max ${lateS.max} ms (target p99 ≤ 200 ms)`);
    console.log(`load average ${loadAverage()}`);
  } finally {
    cancelDeadline();
    await app.close();
  }
}

/** The profile's top functions by self time, and by file. */
function printProfile(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples?: number[]; timeDeltas?: number[] }): void {
  const byNode = new Map<number, number>();
  (profile.samples ?? []).forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)));
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const us = byNode.get(n.id) ?? 0;
    total += us;
    const file = n.callFrame.url.replace(/^.*\/(node_modules\/(?:@[^/]+\/)?[^/]+|src|bench)\//, '$1/') || `(${n.callFrame.functionName || 'native'})`;
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith('src/') ? file.split('/').slice(0, 3).join('/') : file.startsWith('node:') ? 'node:' + file.slice(5).split('/')[0] : file);
    files.set(pkg, (files.get(pkg) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n');
  console.log(`CPU profile of the window (${(total / 1000).toFixed(0)} ms sampled), by package or source folder:\n${top(files, 25)}\ntop functions by self time:\n${top(fns, 30)}`);
}

runBench(main);
