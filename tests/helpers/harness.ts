import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as ioClient, Socket } from 'socket.io-client';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/main/container';
import { Clock, MovableClock } from '../../src/infra/clock';
import { createLogger } from '../../src/logger';
import { seedDemo } from '../../src/seed/demo';
import { RunningServer, startServer } from '../../src/main/server';
import { runWorkers } from '../../src/main/run-workers';

export const DEMO_PASSWORD = 'demo-password';
/** EMAIL_WEBHOOK_SECRET of every test app (at least 16 characters, as the config demands) */
export const WEBHOOK_SECRET = 'webhook-secret-of-the-tests';

export function storeUrls(dbName: string): { mongo: string; redis: string } {
  const mongo = new URL(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017');
  mongo.pathname = `/${dbName}`;
  return { mongo: mongo.toString(), redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** run the BullMQ workers in this process too (default true) */
  workers?: boolean;
  seed?: boolean;
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/**
 * One isolated Aftercare on the real stores: its own database, queue prefix and data dir, the
 * HTTP server and SMTP intake on free ports, the demo organisation seeded, workers in-process.
 */
export async function startTestApp(opts: TestAppOptions = {}) {
  const id = crypto.randomBytes(4).toString('hex');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `aftercare-${id}-`));
  const urls = storeUrls(`t_${id}`);
  const env = {
    NODE_ENV: 'test',
    MONGODB_URI: urls.mongo,
    REDIS_URL: urls.redis,
    DATA_DIR: dataDir,
    PORT: '0',
    SMTP_PORT: '0',
    QUEUE_PREFIX: `t${id}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    TWILIO_AUTH_TOKEN: 'twilio-test-token',
    ...opts.env,
  };
  const config = loadConfig(env);
  const clock = opts.clock ?? new MovableClock();
  const log = createLogger(config.logLevel);
  const c: Container = await createContainer(config, { clock, log });
  if (opts.seed !== false) await seedDemo(c);
  const server: RunningServer = await startServer(c, { port: 0, host: '127.0.0.1' });
  let workers = opts.workers === false ? null : await runWorkers(c);
  const sockets: Socket[] = [];
  let socketCount = 0;

  const app = {
    c,
    config,
    clock,
    server,
    url: server.url,
    dataDir,
    http: () => request(server.http),
    async login(email: string, password = DEMO_PASSWORD): Promise<string> {
      const res = await request(server.http).post('/api/auth/login').send({ email, password });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    /** an authenticated supertest agent: `(await app.as('agent1@demo.local')).get('/api/tickets')` */
    async as(email: string) {
      const token = await app.login(email);
      const h = { Authorization: `Bearer ${token}` };
      return {
        token,
        get: (p: string) => request(server.http).get(p).set(h),
        post: (p: string) => request(server.http).post(p).set(h),
        patch: (p: string) => request(server.http).patch(p).set(h),
        put: (p: string) => request(server.http).put(p).set(h),
        delete: (p: string) => request(server.http).delete(p).set(h),
      };
    },
    async agentSocket(email: string): Promise<Socket> {
      return connectAgent(server.url, await app.login(email), sockets);
    },
    /**
     * A socket.io client of `nsp`. Each comes from its own client address (X-Forwarded-For), which
     * counts when the app trusts the loopback proxy (`env: {TRUST_PROXY: 'loopback'}`): then the
     * per-address limits of /chat see many visitors, as on the web, not one test process.
     */
    socket(nsp: string, auth: Record<string, unknown> = {}): Socket {
      const from = `198.18.${(++socketCount >> 8) & 255}.${socketCount & 255}`;
      const s = ioClient(`${server.url}${nsp}`, { auth, transports: ['websocket'], forceNew: true, extraHeaders: { 'X-Forwarded-For': from } });
      sockets.push(s);
      return s;
    },
    async stopWorkers() {
      await workers?.close();
      workers = null;
    },
    async startWorkers() {
      if (!workers) workers = await runWorkers(c);
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await workers?.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      await c.events.flush(); // before the drop, which the late writes would undo
      await c.conn.dropDatabase().catch(() => undefined);
      await c.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}

/** An /agents socket with `token`, connected, and kept in `sockets` so that close() disconnects it. */
async function connectAgent(url: string, token: string, sockets: Socket[]): Promise<Socket> {
  const s = ioClient(`${url}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

/** Resolves with the first payload of `event` that passes `match`, or rejects after `timeoutMs`. */
export function nextEvent<T = any>(socket: Socket, event: string, match: (p: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(p);
    };
    socket.on(event, handler);
  });
}

/** Polls `fn` until it returns a truthy value (for state written by a worker), or fails after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5000, everyMs = 50): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  while (Date.now() < until) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      lastErr = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(last) ?? String(lastErr)})`);
}

/**
 * A second API process on the same stores (same database, Redis and queue prefix) as `app`: its
 * own container and Socket.IO server, as another node behind a load balancer. No workers, no seed.
 */
export async function startSecondNode(app: TestApp) {
  const c: Container = await createContainer(app.config, { clock: app.clock, log: createLogger(app.config.logLevel) });
  const server: RunningServer = await startServer(c, { port: 0, host: '127.0.0.1' });
  const sockets: Socket[] = [];
  return {
    c,
    server,
    url: server.url,
    http: () => request(server.http),
    async agentSocket(email: string): Promise<Socket> {
      return connectAgent(server.url, await app.login(email), sockets);
    },
    socket(nsp: string, auth: Record<string, unknown> = {}): Socket {
      const s = ioClient(`${server.url}${nsp}`, { auth, transports: ['websocket'], forceNew: true });
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.disconnect();
      await server.close().catch(() => undefined);
      await c.close();
    },
  };
}
