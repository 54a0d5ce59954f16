/**
 * `npm run fuzz`: schemathesis (property-based API testing, PyPI) over `/api/openapi.json` of a
 * throwaway Aftercare with the demo organisation, once signed in as the admin and once as an agent.
 * It checks every answer: no 5xx, status code and content type documented, body valid against the
 * documented schema, schema-valid requests accepted and invalid ones refused.
 *
 *   npm run fuzz                      # 2 × 60 s, seed 1
 *   npm run fuzz -- --time 300 --seed 7
 *   npm run fuzz -- --examples 3      # a fixed amount of work instead of a time budget: N cases per
 *                                     # operation and phase, one pass (what npm test runs)
 *   npm run fuzz -- --serve           # only start the instance and print its URL and tokens
 *
 * Exit code 0 when schemathesis found nothing; the figures are printed and written to
 * .tmp/fuzz/summary.json. Embedded stores in memory unless MONGODB_URI / REDIS_URL are set.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { createContainer } from '../src/main/container';
import { createLogger } from '../src/logger';
import { seedDemo } from '../src/seed/demo';
import { startServer } from '../src/main/server';
import { runWorkers } from '../src/main/run-workers';
import { freePort, startMongo, startRedis, StoreHandle } from './lib/embedded-stores';

const ROOT = path.resolve(__dirname, '..');
const SCHEMATHESIS = path.join(ROOT, '.tmp', 'venv', 'bin', 'schemathesis');
const OUT = path.join(ROOT, '.tmp', 'fuzz');
const WEBHOOK_SECRET = 'fuzz-webhook-secret-0123456789';
const TWILIO_TOKEN = 'fuzz-twilio-token';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/**
 * What is left out, and why: logging out and changing an agent's password or deactivating them
 * revoke the token the run itself signs in with (after that every answer would be a 401).
 */
const EXCLUDED = ['--exclude-path', '/api/auth/logout', '--exclude-path', '/api/agents/{id}'];

interface RunFigures {
  role: string;
  cases: number;
  failures: number;
  errors: number;
  exitCode: number;
}

async function main() {
  const seconds = Number(arg('time', '60'));
  // a fixed amount of work (one pass, N cases per operation) instead of a time budget, so that a
  // loaded machine takes longer but tests the same cases
  const examples = process.argv.includes('--examples') ? Number(arg('examples', '3')) : null;
  const seed = arg('seed', '1');
  const serve = process.argv.includes('--serve');
  if (!serve && !fs.existsSync(SCHEMATHESIS)) {
    console.error('schemathesis is not installed: bash scripts/setup.sh --test (installs it into .tmp/venv)');
    process.exit(2);
  }
  fs.mkdirSync(OUT, { recursive: true });
  const stores: StoreHandle[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-fuzz-'));
  const env: Record<string, string | undefined> = { ...process.env };
  if (!env.MONGODB_URI) {
    const m = await startMongo({ maxHeap: '512m' });
    stores.push(m);
    env.MONGODB_URI = m.url;
  }
  // a database of its own (dropped at the end), also on a server that was given
  const mongoUrl = new URL(env.MONGODB_URI);
  mongoUrl.pathname = `/fuzz_${crypto.randomBytes(3).toString('hex')}`;
  env.MONGODB_URI = mongoUrl.toString();
  if (!env.REDIS_URL) {
    const r = await startRedis();
    stores.push(r);
    env.REDIS_URL = r.url;
  }
  const port = await freePort();
  const config = loadConfig({
    ...env,
    NODE_ENV: 'development', // the demo's month of history too: the reports have data to chew on
    DATA_DIR: dataDir,
    PORT: String(port),
    SMTP_PORT: String(await freePort()),
    QUEUE_PREFIX: `fuzz${crypto.randomBytes(3).toString('hex')}`,
    EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PBX_API_TOKEN: 'fuzz-pbx-token-0123456789',
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  // the server's own log (5xx are logged with their stack) next to the reports, not on the terminal
  const logFile = path.join(OUT, 'server.log');
  const log = createLogger(config.logLevel, { proc: 'fuzz' }, pino.destination({ dest: logFile, sync: true }));
  const c = await createContainer(config, { log });
  await seedDemo(c);
  const server = await startServer(c, { port, host: '127.0.0.1' });
  const workers = await runWorkers(c);
  const base = `http://127.0.0.1:${port}`;

  const stop = async () => {
    await workers.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    await c.events.flush(); // before the drop, which the late writes would undo
    await c.conn.dropDatabase().catch(() => undefined);
    await c.close();
    await Promise.all(stores.map((s) => s.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const token = async (email: string) => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: config.demoPassword }) });
    return ((await res.json()) as { token: string }).token;
  };
  const roles = [
    { role: 'admin', token: await token('admin@demo.local') },
    { role: 'agent', token: await token('agent1@demo.local') },
  ];

  if (serve) {
    console.log(`Aftercare for fuzzing at ${base} (log ${logFile})`);
    for (const r of roles) console.log(`  ${r.role}: Authorization: Bearer ${r.token}`);
    console.log(`  X-Webhook-Secret: ${WEBHOOK_SECRET}\nCtrl-C stops it.`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await stop();
    return;
  }

  const figures: RunFigures[] = [];
  for (const r of roles) {
    const report = path.join(OUT, `${r.role}.ndjson`);
    const args = [
      'run', `${base}/api/openapi.json`,
      '--checks', 'all',
      // schema-valid requests that a business rule refuses (an unknown team, a time zone, a range
      // from after to) are right to be refused with 400: that check is the one left out
      '--exclude-checks', 'positive_data_acceptance',
      ...(examples ? ['--max-examples', String(examples)] : ['--max-time', String(seconds)]),
      '--seed', seed,
      '--workers', '1',
      '--generation-allow-x00', 'false',
      '--request-timeout', '30',
      '--no-color',
      '--report', 'ndjson,junit',
      '--report-ndjson-path', report,
      '--report-junit-path', path.join(OUT, `${r.role}.junit.xml`),
      '-H', `Authorization: Bearer ${r.token}`,
      '-H', `X-Webhook-Secret: ${WEBHOOK_SECRET}`,
      ...EXCLUDED,
    ];
    console.log(`\n== schemathesis as ${r.role} (${examples ? `${examples} cases per operation` : `${seconds} s`}, seed ${seed})`);
    const hooksEnv = { SCHEMATHESIS_HOOKS: 'fuzz_hooks', PYTHONPATH: path.join(ROOT, 'scripts'), FUZZ_TWILIO_TOKEN: TWILIO_TOKEN, FUZZ_PUBLIC_URL: base };
    const exitCode = await run(SCHEMATHESIS, args, path.join(OUT, `${r.role}.txt`), hooksEnv);
    figures.push({ role: r.role, exitCode, ...countCases(report) });
  }
  await stop();

  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ seed, seconds: examples ? null : seconds, examples, figures }, null, 2));
  console.log('\nFuzzing summary (details in .tmp/fuzz/):');
  for (const f of figures) console.log(`  ${f.role.padEnd(6)} ${String(f.cases).padStart(6)} cases, ${f.failures} failures, ${f.errors} errors`);
  process.exit(figures.every((f) => f.exitCode === 0 && f.failures === 0 && f.errors === 0) ? 0 : 1);
}

/** Runs schemathesis with its output on the terminal and in a file. */
function run(cmd: string, args: string[], outFile: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const out = fs.createWriteStream(outFile);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    for (const s of [child.stdout, child.stderr]) {
      s.on('data', (d) => {
        process.stdout.write(d);
        out.write(d);
      });
    }
    child.on('exit', (code) => {
      out.end();
      resolve(code ?? 1);
    });
  });
}

/** Cases, failures and errors from schemathesis' NDJSON event stream. */
function countCases(file: string): { cases: number; failures: number; errors: number } {
  let cases = 0;
  let failures = 0;
  let errors = 0;
  if (!fs.existsSync(file)) return { cases, failures, errors: 1 };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, any>;
    const finished = event.ScenarioFinished;
    if (finished) {
      const recorder = finished.recorder ?? {};
      cases += Object.keys(recorder.cases ?? {}).length;
      for (const checks of Object.values<any>(recorder.checks ?? {})) for (const ch of checks) if (ch.status === 'FAILURE' || ch.status === 'failure') failures++;
    }
    if (event.NonFatalError || event.FatalError) errors++;
  }
  return { cases, failures, errors };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
