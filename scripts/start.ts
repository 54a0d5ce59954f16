/**
 * `npm start`: the embedded stores (unless MONGODB_URI / REDIS_URL are set), the API process and the
 * worker process, the demo organisation on an empty database; prints the URLs and logins. SIGINT or
 * SIGTERM stops every child cleanly; a second start in the same DATA_DIR finds the data again.
 * The processes' JSON logs go to DATA_DIR/logs/<process>.log, so the terminal shows only the banner
 * (and the end of a log when its process dies).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM, startMongo, startRedis, StoreHandle } from './lib/embedded-stores';
import { NODE_FLAGS } from './lib/process-flags';

// `npm start` runs this file compiled (dist/scripts/start.js, scripts/build-server.mjs) and starts the
// compiled API and workers; run from its source under tsx it starts them from their sources.
const COMPILED = __filename.endsWith('.js');
const ROOT = path.resolve(__dirname, COMPILED ? '../..' : '..');

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  env.DATA_DIR = dataDir;
  fs.mkdirSync(dataDir, { recursive: true });
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const stores: StoreHandle[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Aftercare…');
    await Promise.all(children.map((c) => terminate(c)));
    await Promise.all(stores.map((s) => s.stop()));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (!env.MONGODB_URI) {
      const mongo = await startMongo({ file: path.join(dataDir, 'mongo', 'aftercare.mv'), maxHeap: EMBEDDED_MONGO_HEAP, jvmArgs: EMBEDDED_MONGO_JVM });
      stores.push(mongo);
      env.MONGODB_URI = `${mongo.url}/aftercare`;
    }
    if (!env.REDIS_URL) {
      const redis = await startRedis({ dataDir: path.join(dataDir, 'redis') });
      stores.push(redis);
      env.REDIS_URL = redis.url;
    }
    env.SEED_DEMO = 'true';
    const config = loadConfig(env); // fail fast, with one line, before starting anything else
    for (const name of ['api', 'workers'] as const) {
      const logFile = path.join(logDir, `${name}.log`);
      const out = fs.openSync(logFile, 'a');
      const child = spawn(process.execPath, entryArgs(name), { cwd: ROOT, env: { ...env, NODE_OPTIONS: [...NODE_FLAGS[name], env.NODE_OPTIONS ?? ''].join(' ').trim() }, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      child.on('exit', (code, signal) => {
        if (!stopping) {
          console.error(`${name} exited (${signal ?? code}); stopping. The end of ${logFile}:\n${tail(logFile, 20)}`);
          void stop(1);
        }
      });
      children.push(child);
    }
    // a slow or busy machine (first JVM start, a cold disk) may take a while; say so only after 3 minutes
    await waitHealthy(`http://127.0.0.1:${config.port}/health`, 180000);
    console.log(`
Aftercare is running.
  Agent console   ${config.publicUrl}/console
  Demo site+chat  ${config.publicUrl}/
  Help centre     ${config.publicUrl}/help
  Customer portal ${config.publicUrl}/portal (sign in by a mailed link)
  API docs        ${config.publicUrl}/api/openapi.json
  Health          ${config.publicUrl}/health
  SMTP intake     127.0.0.1:${config.smtpPort} (support@demo.local, tech@, complaints@, returns@)
  Data            ${dataDir}
  Logs            ${logDir}${path.sep}api.log, workers.log
Demo logins (password "${config.demoPassword}"):
  admin@demo.local, manager@demo.local, director@demo.local, supervisor@demo.local (leads support, tech),
  agent1@demo.local (support, tech), agent2@demo.local (complaints, returns),
  warranty@demo.local (warranty, returns), engineer1@demo.local and engineer2@demo.local (field engineers)
Ctrl-C stops everything.`);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `Aftercare failed to start: ${(err as Error).message}`);
    await stop(1);
  }
}

/**
 * The command line of the API or worker process: the compiled entry (no loader in the process), or
 * the source under `node --import tsx` (not the tsx CLI, which adds a wrapper process per child).
 */
function entryArgs(name: string): string[] {
  return COMPILED ? [`dist/src/main/${name}.js`] : ['--import', 'tsx', `src/main/${name}.ts`];
}

/** The last `lines` lines of a log file, for the one message a crash prints. */
function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function terminate(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ok within ${timeoutMs / 1000} s`);
}

void main();
