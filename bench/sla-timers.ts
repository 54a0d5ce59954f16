/**
 * SLA timers at scale: schedules PENDING (default 100 000) far-future timers through the same
 * SlaTimers the service uses (BullMQ delayed jobs with deterministic ids), then creates SAMPLE
 * (default 200) real tickets under a PT20S first-response policy and measures, for each, the time
 * from its due time to the supervisor's socket receiving the `escalation` breach event.
 * Prints the scheduling rate (timers/s) and the lateness (median, p99, max; target p99 ≤ 200 ms).
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/sla-timers.ts            (PENDING=100000 SAMPLE=200 TARGET=PT20S to change)
 */
import { Types } from 'mongoose';
import type { SlaService } from '../src/modules/sla/sla.service';
import { SlaTimers } from '../src/modules/sla/sla-timers';
import { agentSocket, deadline, runBench, startBenchApp, summary } from './lib/harness';

const PENDING = Number(process.env.PENDING ?? 100_000);
const SAMPLE = Number(process.env.SAMPLE ?? 200);
const TARGET = process.env.TARGET ?? 'PT20S';
const BATCH = 1000;


async function main(): Promise<void> {
  const cancelDeadline = deadline(120_000, 'bench did not finish within 2 minutes');
  const app = await startBenchApp({ name: 'sla', mongoHeap: '1g' });
  const { c, server } = app;
  try {
    const sla = (c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
    await sla.policies.create({ name: 'bench', order: 0, match: { channel: 'web', priority: 'urgent' }, targets: { firstResponse: TARGET } });

    // 1. the pending load: far-future timers of (unknown) tickets, scheduled the way the service does
    const timers = new SlaTimers(c.queues, c.clock);
    const far = Date.now() + 30 * 24 * 3600_000;
    const t0 = performance.now();
    for (let i = 0; i < PENDING; i += BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(BATCH, PENDING - i) }, (_, j) => {
          const id = new Types.ObjectId().toHexString();
          return timers.put(id, `sla-first-response-breach-${id}`, far + (i + j) * 1000, false);
        }),
      );
    }
    const schedSec = (performance.now() - t0) / 1000;
    const delayed = await c.queues.get('sla').getDelayedCount();
    console.log(`scheduled ${PENDING} timers in ${schedSec.toFixed(1)} s: ${Math.round(PENDING / schedSec)} timers/s (delayed jobs in Redis: ${delayed})`);

    // 2. the sample: real tickets whose first response falls due while the 100 000 wait
    const sup = await agentSocket(server.url, 'supervisor@demo.local');
    const late: number[] = [];
    const waiting = new Set<number>();
    let allDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (allDone = r));
    sup.on('escalation', (e: { ticketNumber: number; kind: string; dueAt: string }) => {
      if (e.kind !== 'breach' || !waiting.delete(e.ticketNumber)) return;
      late.push(Date.now() - Date.parse(e.dueAt));
      if (!waiting.size) allDone();
    });
    const t1 = performance.now();
    for (let i = 0; i < SAMPLE; i += 10) {
      const made = await Promise.all(
        Array.from({ length: Math.min(10, SAMPLE - i) }, (_, j) =>
          c.tickets.create({ channel: 'web', subject: `Bench ${i + j}`, team: 'support', priority: 'urgent', customer: { name: `Bench ${i + j}`, email: `bench${i + j}@example.com` }, message: { channel: 'web', body: 'help', author: { type: 'customer', name: 'Bench' } } }, { type: 'system', name: 'bench' }),
        ),
      );
      for (const m of made) waiting.add(m.ticket.number);
    }
    const createSec = (performance.now() - t1) / 1000;
    console.log(`created ${SAMPLE} sample tickets (policy applied, 2 timers each) in ${createSec.toFixed(1)} s: ${Math.round(SAMPLE / createSec)} tickets/s`);
    await Promise.race([done, new Promise((r) => setTimeout(r, 60_000))]);
    sup.disconnect();
    const stored = await c.models.Ticket.find({ 'sla.policy': 'bench' }, { sla: 1 }).lean();
    const evalLate = stored.filter((t) => t.sla?.firstResponse?.breachedAt).map((t) => t.sla!.firstResponse!.breachedAt!.getTime() - t.sla!.firstResponse!.dueAt!.getTime());
    const evalS = summary(evalLate);
    const lateS = summary(late);
    console.log(`evaluation lateness (due → breach written): median ${evalS.p50} ms, p99 ${evalS.p99} ms`);
    console.log(`breach lateness, due time → supervisor socket, ${late.length}/${SAMPLE} received with ${PENDING} pending: median ${lateS.p50} ms, p99 ${lateS.p99} ms, max ${lateS.max} ms (target p99 ≤ 200 ms)`);
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
