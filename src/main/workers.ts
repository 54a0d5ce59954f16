import { ConfigError, loadConfig } from '../config';
import { startMetricsServer } from '../http/metrics';
import { createLogger } from '../logger';
import { createContainer } from './container';
import { onShutdown } from './lifecycle';
import { runWorkers } from './run-workers';

/** Entry point: the worker process (BullMQ processors and sweepers over the same services). */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { proc: 'workers' });
  const c = await createContainer(config, { log });
  const w = await runWorkers(c);
  log.info({ queues: w.workers.map((x) => x.name) }, 'workers running');
  // each worker process is a Prometheus target of its own (METRICS_PORT), when metrics are on
  const token = config.metricsToken;
  const metrics = token ? await startMetricsServer(c.metrics, { host: config.host, port: config.metricsPort, token, log: log.child({ component: 'metrics' }) }) : null;
  if (metrics) log.info({ port: metrics.port }, 'metrics listening');
  onShutdown(log, async () => {
    await metrics?.close();
    await w.close();
    await c.close();
  });
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('workers failed to start:', err);
  process.exit(1);
});
