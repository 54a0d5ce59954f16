import { ConfigError, loadConfig } from '../config';
import { createContainer } from './container';
import { createLogger } from '../logger';
import { seedDemo } from '../seed/demo';
import { startServer } from './server';
import { onShutdown } from './lifecycle';

/** Entry point: the API process (HTTP, Socket.IO, SMTP intake). */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { proc: 'api' });
  const c = await createContainer(config, { log });
  if (config.seedDemo) await seedDemo(c);
  const server = await startServer(c);
  log.info({ port: server.port, smtpPort: config.smtpPort }, 'api listening');
  onShutdown(log, async () => {
    await server.close();
    await c.close();
  });
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('api failed to start:', err);
  process.exit(1);
});
