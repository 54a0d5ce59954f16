import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../logger';
import { parseRedisUrl, RedisTopology } from './redis-url';

/**
 * command: the app's own commands, failing fast; worker: BullMQ workers, waiting for Redis;
 * publisher: Socket.IO's adapter publishing, waiting; subscriber: Pub/Sub subscriptions.
 */
export type RedisRole = 'command' | 'worker' | 'publisher' | 'subscriber';

/** A client of one Redis server (standalone or found through Sentinel) or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * A Redis client for one role, on the topology REDIS_URL names (src/infra/redis-url.ts). Commands
 * fail fast while Redis is away (no offline queue) so a request gets an error instead of hanging;
 * BullMQ workers and subscribers wait instead (`maxRetriesPerRequest: null`, as BullMQ requires).
 * Every client reconnects by itself; a Cluster client follows failovers and resharding, a Sentinel
 * client follows the master the Sentinels elect.
 */
export function createRedis(url: string, role: RedisRole, log: Logger, opts: { autoPipelining?: boolean } = {}): RedisClient {
  const topology = parseRedisUrl(url);
  const perRole: RedisOptions = role === 'command' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null };
  // Commands issued in one event-loop turn leave in one write (ioredis' auto-pipelining): for the
  // app's own clients, where a busy chat issues dozens per turn; never for BullMQ's connections.
  if (opts.autoPipelining) perRole.enableAutoPipelining = true;
  const client = connect(topology, { lazyConnect: false, retryStrategy, ...perRole }, role);
  let lastError = '';
  client.on('error', (err: Error) => {
    // One line per distinct failure, not one per reconnect attempt.
    if (err.message !== lastError) log.warn({ role, topology: topology.kind, err: err.message }, 'redis error');
    lastError = err.message;
  });
  client.on('ready', () => {
    if (lastError) log.info({ role }, 'redis reconnected');
    lastError = '';
  });
  return client;
}

const retryStrategy = (times: number) => Math.min(times * 200, 2000);

function connect(t: RedisTopology, options: RedisOptions, role: RedisRole): RedisClient {
  const auth = { username: t.username, password: t.password, ...(t.tls ? { tls: {} } : {}) };
  if (t.kind === 'standalone') return new Redis(t.url, options);
  if (t.kind === 'sentinel') {
    return new Redis({
      ...options,
      ...auth,
      sentinels: t.sentinels,
      name: t.name,
      db: t.db,
      sentinelUsername: t.sentinelUsername,
      sentinelPassword: t.sentinelPassword,
      ...(t.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      sentinelRetryStrategy: retryStrategy,
    });
  }
  const { enableOfflineQueue, retryStrategy: _perNode, ...redisOptions } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...redisOptions, ...auth },
    clusterRetryStrategy: retryStrategy,
    enableOfflineQueue: enableOfflineQueue ?? true,
    // sharded Pub/Sub (Socket.IO's sharded adapter): one subscriber connection per master
    shardedSubscribers: role === 'subscriber',
    // TLS certificates name the hosts, not the addresses DNS gives them
    ...(t.tls ? { dnsLookup: (address: string, cb: (err: Error | null, address: string) => void) => cb(null, address) } : {}),
  };
  return new Cluster(t.nodes, clusterOptions);
}

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

export async function waitReady(client: RedisClient, timeoutMs = 10000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not become ready in time')), timeoutMs);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The keys matching `match`, in batches (SCAN, never KEYS). On a Cluster every master is scanned:
 * SCAN sees only the node it is sent to.
 */
export async function* scanKeys(client: RedisClient, match: string, count = 500): AsyncGenerator<string[]> {
  const nodes: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  for (const node of nodes) {
    for await (const keys of node.scanStream({ match, count })) if ((keys as string[]).length) yield keys as string[];
  }
}
