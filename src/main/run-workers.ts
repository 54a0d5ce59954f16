import type { Worker } from 'bullmq';
import { startWorkers as startBullWorkers, toProcessors } from '../infra/queues';
import type { Container } from './container';

/** The worker side of every module: BullMQ processors plus periodic sweepers. */
export async function runWorkers(c: Container): Promise<{ workers: Worker[]; close(): Promise<void> }> {
  const processors = toProcessors(c.modules.map((m) => m.processors?.() ?? {}));
  const workers = startBullWorkers(() => c.makeRedis('worker'), c.config.queuePrefix, processors, c.log.child({ component: 'workers' }), {}, c.metrics.jobs);
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  for (const m of c.modules) await m.startWorkers?.();
  return {
    workers,
    async close() {
      for (const m of [...c.modules].reverse()) await m.stopWorkers?.().catch(() => undefined);
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
