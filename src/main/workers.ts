import { ConfigError, loadConfig } from '../config';
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
  onShutdown(log, async () => {
    await w.close();
    await c.close();
  });
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('workers failed to start:', err);
  process.exit(1);
});
