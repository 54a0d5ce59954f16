import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { ClientIp } from '../http/client-ip';
import { Clock, systemClock } from '../infra/clock';
import { connectMongo } from '../infra/mongo';
import { Queues } from '../infra/queues';
import { createRedis, RedisRole, waitReady } from '../infra/redis';
import { createLogger, Logger } from '../logger';
import { Mailer } from '../mail/mailer';
import { MailOutbox } from '../mail/outbox';
import { Templates } from '../mail/templates';
import { Realtime } from '../realtime/realtime';
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
  /** the shared command connection (fails fast while Redis is away) */
  readonly redis: Redis;
  /** a new Redis client of a role (BullMQ workers and subscribers need their own), closed with the core */
  readonly makeRedis: (role: RedisRole) => Redis;
  readonly queues: Queues;
  readonly realtime: Realtime;
  readonly templates: Templates;
  readonly mailer: Mailer;
  readonly outbox: MailOutbox;
  /** who the client of a request or socket is (TRUST_PROXY) */
  readonly clientIp: ClientIp;
}

export interface CoreOptions {
  clock?: Clock;
  log?: Logger;
}

/** Connects the stores and builds the infrastructure; `close()` releases every connection it made. */
export async function createCore(config: Config, opts: CoreOptions = {}): Promise<Core & { close(): Promise<void> }> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const conn = await connectMongo(config.mongodbUri);
  const clients: Redis[] = [];
  const makeRedis = (role: RedisRole): Redis => {
    const c = createRedis(config.redisUrl, role, log.child({ component: `redis-${role}` }));
    clients.push(c);
    return c;
  };
  const redis = makeRedis('command');
  await waitReady(redis);
  const queues = new Queues(makeRedis('command'), config.queuePrefix);
  return {
    config,
    clock,
    log,
    conn,
    models: createModels(conn, clock),
    redis,
    makeRedis,
    queues,
    realtime: new Realtime(makeRedis('command'), `${config.queuePrefix}-socket.io`),
    templates: new Templates(),
    mailer: new Mailer(config),
    outbox: new MailOutbox(queues),
    clientIp: new ClientIp(config.trustProxy),
    async close() {
      await queues.close().catch(() => undefined);
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await conn.close().catch(() => undefined);
    },
  };
}
