import type { Connection } from 'mongoose';
import type { Config } from '../config';
import { ClientIp } from '../http/client-ip';
import { Clock, systemClock } from '../infra/clock';
import { Metrics } from '../infra/metrics';
import { connectMongo } from '../infra/mongo';
import { Queues } from '../infra/queues';
import { createRedis, RedisClient, RedisRole, waitReady } from '../infra/redis';
import { createLogger, Logger } from '../logger';
import { Mailer } from '../mail/mailer';
import { MailOutbox } from '../mail/outbox';
import { Templates } from '../mail/templates';
import { Realtime } from '../realtime/realtime';
import { socketChannelPrefix } from '../realtime/sharded-emitter';
import { createModels, Models } from './models';

/**
 * The core: data and infrastructure, no services. Configuration, the clock, the root logger, the
 * MongoDB connection and its shared models, Redis clients, the BullMQ producers, the socket
 * emitter, templates and mail. A module factory reads what it needs from here and hands each of
 * its services only the few collaborators that service names; nothing looks a service up in it.
 */
export interface Core {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly conn: Connection;
  readonly models: Models;
  /** the shared command connection (fails fast while Redis is away): one server, or a Cluster */
  readonly redis: RedisClient;
  /** a new Redis client of a role (BullMQ workers and subscribers need their own), closed with the core */
  readonly makeRedis: (role: RedisRole) => RedisClient;
  readonly queues: Queues;
  readonly realtime: Realtime;
  readonly templates: Templates;
  readonly mailer: Mailer;
  readonly outbox: MailOutbox;
  /** this process's Prometheus metrics (GET /metrics when METRICS_TOKEN is set) */
  readonly metrics: Metrics;
  /** who the client of a request or socket is (TRUST_PROXY) */
  readonly clientIp: ClientIp;
}

export interface CoreOptions {
  clock?: Clock;
  log?: Logger;
  /** the MongoDB driver emits command events (src/infra/command-monitor.ts): benches and the hot-path test count round trips */
  monitorCommands?: boolean;
}

/** Connects the stores and builds the infrastructure; `close()` releases every connection it made. */
export async function createCore(config: Config, opts: CoreOptions = {}): Promise<Core & { close(): Promise<void> }> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const conn = await connectMongo(config.mongodbUri, { monitorCommands: opts.monitorCommands });
  const clients: RedisClient[] = [];
  const makeRedis = (role: RedisRole, ropts: { autoPipelining?: boolean } = {}): RedisClient => {
    const c = createRedis(config.redisUrl, role, log.child({ component: `redis-${role}` }), ropts);
    clients.push(c);
    return c;
  };
  const redis = makeRedis('command', { autoPipelining: true });
  await waitReady(redis);
  const queues = new Queues(makeRedis('command'), config.queuePrefix);
  const metrics = new Metrics({ processMetrics: !!config.metricsToken });
  metrics.observeQueues(queues);
  return {
    config,
    clock,
    log,
    conn,
    models: createModels(conn, clock),
    redis,
    makeRedis,
    queues,
    realtime: new Realtime(makeRedis('command', { autoPipelining: true }), socketChannelPrefix(config.queuePrefix)),
    templates: new Templates(),
    mailer: new Mailer(config),
    outbox: new MailOutbox(queues),
    metrics,
    clientIp: new ClientIp(config.trustProxy),
    async close() {
      await queues.close().catch(() => undefined);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await conn.close().catch(() => undefined);
    },
  };
}
