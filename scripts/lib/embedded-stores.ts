import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * The embedded stores `npm start` and `npm test` run when MONGODB_URI / REDIS_URL are not given:
 * Debian's redis-server and mongo-java-server (scripts/mongo). Both bind to 127.0.0.1 only.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const MONGO_DIR = path.join(ROOT, 'scripts', 'mongo');

export interface StoreHandle {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = output.match(pattern);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}:\n${output.slice(-2000)}`));
    });
  });
}

function stopper(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
}

export interface RedisOptions {
  port?: number;
  /** a directory for AOF persistence; none keeps everything in memory */
  dataDir?: string;
}

export async function startRedis(opts: RedisOptions = {}): Promise<StoreHandle> {
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'];
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args.push('--dir', opts.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec');
  } else {
    args.push('--appendonly', 'no');
  }
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /Ready to accept connections/, 'redis-server', 15000);
  child.stdout?.resume();
  child.stderr?.resume();
  return { url: `redis://127.0.0.1:${port}`, port, process: child, stop: stopper(child) };
}

/**
 * The heap of mongo-java-server under `npm start` (H2 file backend): the store keeps its documents
 * in the file and a page cache, so the heap holds the cache, the unique indexes' keys, the commands
 * in flight and what a query matched until its cursor is read to the end (the store collects a
 * query's matches into a list). ~35 MB live at 50 000 tickets; the rebuilds' reads, sliced by `_id`
 * (inIdSlices), peak at ~80 MB; the same reads as one query per collection needed 135 MB and, at
 * 192 MB, ran out of heap. Measured with bench/store-heap.ts and bench/memory.ts (BENCHMARKS.md, README).
 */
export const EMBEDDED_MONGO_HEAP = '192m';

/**
 * The JVM options of mongo-java-server under `npm start`, beyond the heap's maximum: the heap starts
 * at 32 MB and grows with what is live (the JVM's default free ratios, 40–70 %; the default initial
 * heap here would be the whole maximum), a smaller code cache and thread stacks, and the client
 * compiler only (C1: no C2 compiler threads and their arenas; the store's CPU per command and per
 * scan measured no worse with it). Tighter free ratios (10–30 %) saved more but made the store
 * collect its old generation every few seconds while a big seed grew it. Measured with
 * bench/store-jvm.ts (memory and store CPU per operation) and bench/memory.ts (BENCHMARKS.md).
 */
export const EMBEDDED_MONGO_JVM: readonly string[] = ['-Xms32m', '-XX:ReservedCodeCacheSize=48m', '-Xss512k', '-XX:TieredStopAtLevel=1'];

export interface MongoOptions {
  port?: number;
  /** an H2 file for data kept on disk; none uses the memory backend */
  file?: string;
  maxHeap?: string;
  /** JVM options beyond the heap (EMBEDDED_MONGO_JVM under npm start) */
  jvmArgs?: readonly string[];
}

/** The store's JVM options: the heap's maximum, the serial collector unless `jvmArgs` chooses one, then `jvmArgs`. */
export function storeJvmOptions(opts: Pick<MongoOptions, 'maxHeap' | 'jvmArgs'> = {}): string[] {
  const extra = opts.jvmArgs ?? [];
  const gc = extra.some((o) => /^-XX:\+Use\w+GC$/.test(o)) ? [] : ['-XX:+UseSerialGC'];
  return [`-Xmx${opts.maxHeap ?? EMBEDDED_MONGO_HEAP}`, ...gc, ...extra];
}

export async function startMongo(opts: MongoOptions = {}): Promise<StoreHandle> {
  // The launcher compiled by setup (fast start), or Java's single-file source mode where no javac
  // exists or the compiled class is older than the source (a checkout that changed it since setup).
  const classFile = path.join(MONGO_DIR, 'build', 'Launcher.class');
  const compiled = fs.existsSync(classFile) && fs.statSync(classFile).mtimeMs >= fs.statSync(path.join(MONGO_DIR, 'Launcher.java')).mtimeMs;
  const main = compiled ? 'Launcher' : path.join(MONGO_DIR, 'Launcher.java');
  const args = [...storeJvmOptions(opts), '-cp', `${path.join(MONGO_DIR, 'lib')}/*:${path.join(MONGO_DIR, 'build')}`, main, String(opts.port ?? 0)];
  if (opts.file) {
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    args.push(opts.file);
  }
  // stdin stays a pipe: when this process dies the launcher reads EOF and shuts the store down cleanly.
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const m = await waitForLine(child, /READY (\d+)/, 'mongo-java-server', 30000);
  child.stdout?.resume();
  child.stderr?.resume();
  const port = Number(m[1]);
  return {
    url: `mongodb://127.0.0.1:${port}`,
    port,
    process: child,
    stop: () => {
      const stop = stopper(child);
      child.stdin?.end();
      return stop();
    },
  };
}
