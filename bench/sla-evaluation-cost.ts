/**
 * The cost of one SLA timer evaluation (issue #23), robust to load: SAMPLE (default 200) tickets
 * under a PT2S first-response policy, no workers running (no timer loop, no follow-ups), then,
 * once their breaches are due, each evaluated through `SlaService.check` — first one after the
 * other, then another SAMPLE all at once (as a claim hands them over) — printing per evaluation the
 * app CPU, the MongoDB and Redis commands, and the wall time.
 *   npx tsx bench/sla-evaluation-cost.ts      (SAMPLE=200)
 */
import type { SlaService } from '../src/modules/sla/sla.service';
import { loadAverage, runBench, startBenchApp } from './lib/harness';

const SAMPLE = Number(process.env.SAMPLE ?? 200);

async function main(): Promise<void> {
  const app = await startBenchApp({ name: 'slacost', mongoHeap: '1g', monitorCommands: true, workers: false });
  const { c } = app;
  try {
    const sla = (c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
    await sla.policies.create({ name: 'bench', order: 0, match: { channel: 'web', priority: 'urgent' }, targets: { firstResponse: 'PT2S' } });
    let mongo = 0;
    c.conn.getClient().on('commandStarted', (e) => void (['ping', 'hello', 'ismaster', 'endSessions', 'getMore', 'killCursors'].includes(e.commandName) || mongo++));
    const redisCommands = async () => Number(/total_commands_processed:(\d+)/.exec(await c.redis.info('stats'))![1]);
    const make = async () => {
      const ids: string[] = [];
      for (let i = 0; i < SAMPLE; i += 10) {
        const made = await Promise.all(
          Array.from({ length: Math.min(10, SAMPLE - i) }, (_, j) =>
            c.tickets.create({ channel: 'web', subject: `Cost ${i + j}`, team: 'support', priority: 'urgent', customer: { name: `Cost ${i + j}`, email: `cost${i + j}@example.com` }, message: { channel: 'web', body: 'help', author: { type: 'customer', name: 'Cost' } } }, { type: 'system', name: 'bench' }),
          ),
        );
        ids.push(...made.map((m) => String(m.ticket._id)));
      }
      return ids;
    };
    const measure = async (label: string, ids: string[], run: (ids: string[]) => Promise<number>) => {
      const r0 = await redisCommands();
      const m0 = mongo;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const events = await run(ids);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const redis = (await redisCommands()) - r0 - 1;
      const n = ids.length;
      console.log(`${label}: ${n} evaluations, ${events} escalations; per evaluation app CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms, MongoDB commands ${((mongo - m0) / n).toFixed(2)}, Redis commands ${(redis / n).toFixed(1)}, wall ${(wall / n).toFixed(1)} ms (${wall.toFixed(0)} ms in all)`);
    };
    const due = async () => new Promise((r) => setTimeout(r, 2500));
    const a = await make();
    await due();
    await measure('one after the other', a, async (ids) => {
      let events = 0;
      for (const id of ids) events += (await sla.check(id)).events;
      return events;
    });
    const b = await make();
    await due();
    await measure('all at once', b, async (ids) => (await Promise.all(ids.map((id) => sla.check(id)))).reduce((s, r) => s + r.events, 0));
    console.log(`load average ${loadAverage()}`);
  } finally {
    await app.close();
  }
}

runBench(main);
