/**
 * What every bench script needs around its measurement: its own stores (mongo-java-server, Redis)
 * on 127.0.0.1 and a data dir, the app on them (container, HTTP server, in-process workers), a
 * deadline, a login, a client child process, and the statistics it prints.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '../../src/config';
import { Container, createContainer } from '../../src/main/container';
import { createLogger } from '../../src/logger';
import { seedDemo } from '../../src/seed/demo';
import { RunningServer, startServer } from '../../src/main/server';
import { runWorkers } from '../../src/main/run-workers';
import { startMongo, startRedis, StoreHandle } from '../../scripts/lib/embedded-stores';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface BenchStores {
  mongo: StoreHandle;
  redis: StoreHandle;
  /** a fresh DATA_DIR, removed by stop() */
  dataDir: string;
  stop(): Promise<void>;
}

/** Both stores and a data dir named after the bench (`aftercare-bench-<name>-…`). */
export async function startBenchStores(name: string, opts: { mongoHeap?: string } = {}): Promise<BenchStores> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `aftercare-bench-${name}-`));
  const [mongo, redis] = await Promise.all([startMongo(opts.mongoHeap ? { maxHeap: opts.mongoHeap } : {}), startRedis()]);
  return {
    mongo,
    redis,
    dataDir,
    async stop() {
      await Promise.all([mongo.stop(), redis.stop()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface BenchAppOptions {
  /** names the data dir, the database (`bench_<name>`) and the queue prefix (`bench<name>`) unless given */
  name: string;
  db?: string;
  queuePrefix?: string;
  mongoHeap?: string;
  logLevel?: 'warn' | 'silent';
  /** more configuration (SMTP_URL, PUBLIC_URL, delays…) */
  env?: Record<string, string>;
  /** BullMQ workers in this process (default true) */
  workers?: boolean;
  /** the driver emits command events, for counting round trips (src/infra/command-monitor.ts) */
  monitorCommands?: boolean;
}

export interface BenchApp {
  c: Container;
  server: RunningServer;
  stores: BenchStores;
  /** workers, server, container, stores and data dir, in that order; never throws */
  close(): Promise<void>;
}

/** The app in production mode on its own stores, the demo organisation seeded, HTTP on a free port. */
export async function startBenchApp(opts: BenchAppOptions): Promise<BenchApp> {
  const stores = await startBenchStores(opts.name, { mongoHeap: opts.mongoHeap });
  const logLevel = opts.logLevel ?? 'warn';
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: `${stores.mongo.url}/${opts.db ?? `bench_${opts.name}`}`,
    REDIS_URL: stores.redis.url,
    DATA_DIR: stores.dataDir,
    PORT: '0',
    SMTP_PORT: '0',
    LOG_LEVEL: logLevel,
    QUEUE_PREFIX: opts.queuePrefix ?? `bench${opts.name}`,
    ...opts.env,
  });
  const c = await createContainer(config, { log: createLogger(logLevel), monitorCommands: opts.monitorCommands });
  await seedDemo(c);
  const server = await startServer(c, { port: 0, host: '127.0.0.1' });
  const workers = opts.workers === false ? null : await runWorkers(c);
  return {
    c,
    server,
    stores,
    async close() {
      await workers?.close().catch(() => undefined);
      await server.close().catch(() => undefined);
      await c.close().catch(() => undefined);
      await stores.stop();
    },
  };
}

/** Ends the process with `code` if the bench is still running after `ms`; returns the cancel. */
export function deadline(ms: number, message: string, code = 2): () => void {
  const timer = setTimeout(() => {
    console.error(message);
    process.exit(code);
  }, ms);
  return () => clearTimeout(timer);
}

/** Runs `main`, then exits 0, or prints the error and exits 1 (open handles never keep a bench alive). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** A bearer token for a demo user, through POST /api/auth/login. */
export async function login(baseUrl: string, email: string, password = 'demo-password'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  return ((await res.json()) as { token: string }).token;
}

/**
 * Load generators run as plain JS in a child process (`node -e script`, the parameters as JSON in
 * env BENCH), so their own work does not count against the app; `result` is the JSON the script
 * writes to stdout, rejected if it exits non-zero.
 */
export function spawnClient<T>(script: string, params: unknown, opts: { ipc?: boolean } = {}): { child: ChildProcess; result: Promise<T> } {
  const stdio = opts.ipc ? (['ignore', 'pipe', 'inherit', 'ipc'] as const) : (['ignore', 'pipe', 'inherit'] as const);
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, BENCH: JSON.stringify(params) }, stdio: [...stdio] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const result = new Promise<T>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`client exited with ${code}`)))));
  return { child, result };
}

/** The value at fraction `p` (0.99 = p99) of ascending `sorted` values: the nearest rank below; NaN if empty. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : NaN;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** p50, p99, max and mean of unsorted values (the input is not changed); NaN and -Infinity when empty, as before. */
export function summary(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: Math.max(...sorted), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

/** CPU seconds a child process used so far (user + system, from /proc); NaN without a pid. */
export function processCpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** "1.4 0.9 0.7 on 2 cores": how busy the machine was, printed beside figures that depend on it. */
export function loadAverage(): string {
  return `${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`;
}

/** A connected /agents socket of a demo user, as the console opens it. */
export async function agentSocket(baseUrl: string, email: string): Promise<Socket> {
  const token = await login(baseUrl, email);
  const s = io(`${baseUrl}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
  return s;
}
