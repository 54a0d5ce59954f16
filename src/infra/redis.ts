import { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../logger';

export type RedisRole = 'command' | 'worker' | 'subscriber';

/**
 * A Redis client for one role. Commands fail fast while Redis is away (no offline queue) so a
 * request gets an error instead of hanging; BullMQ workers and subscribers wait instead
 * (`maxRetriesPerRequest: null`, as BullMQ requires). Every client reconnects by itself.
 */
export function createRedis(url: string, role: RedisRole, log: Logger): Redis {
  const options: RedisOptions = {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...(role === 'command' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
  const client = new Redis(url, options);
  let lastError = '';
  client.on('error', (err: Error) => {
    // One line per distinct failure, not one per reconnect attempt.
    if (err.message !== lastError) log.warn({ role, err: err.message }, 'redis error');
    lastError = err.message;
  });
  client.on('ready', () => {
    if (lastError) log.info({ role }, 'redis reconnected');
    lastError = '';
  });
  return client;
}

export async function waitReady(client: Redis, timeoutMs = 10000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not become ready in time')), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
