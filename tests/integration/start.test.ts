import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { EMBEDDED_MONGO_HEAP, EMBEDDED_MONGO_JVM, freePort, storeJvmOptions } from '../../scripts/lib/embedded-stores';
import { NODE_FLAGS } from '../../scripts/lib/process-flags';

const ROOT = path.resolve(__dirname, '..', '..');

/** `npm start`'s orchestrator, for real and compiled as npm start runs it: embedded stores on disk, API, workers, demo seed. */
function start(dataDir: string, port: number, smtpPort: number): { child: ChildProcess; output: () => string } {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_PORT: String(smtpPort), LOG_LEVEL: 'warn' };
  delete env.MONGODB_URI;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['dist/scripts/start.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return { child, output: () => out };
}

async function waitFor(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('timed out');
}

/** The command line of each child of `pid`. */
function children(pid: number): { pid: number; args: string[] }[] {
  const rows = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  return rows.map((r) => Number(r.trim())).map((p) => ({ pid: p, args: fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean) }));
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  // npm start's build step: the server compiled into dist/ when a source is newer
  beforeAll(() => execFileSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], { cwd: ROOT }), 120_000);

  it('becomes healthy, stops on SIGINT, and a second start finds the data of the first', async () => {
    const [port, smtpPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    const first = start(dataDir, port, smtpPort);
    try {
      await firstRun(first, base, smtpPort);
    } finally {
      first.child.kill('SIGINT');
    }
    const t0 = Date.now();
    await stopped(first.child);
    expect(Date.now() - t0).toBeLessThan(15000);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    await secondRun(dataDir, port, smtpPort, base);
  }, 400000);

  let token = '';
  let number = 0;
  /** The first start: healthy, the memory options as README states them, a ticket by the API and one by mail. */
  async function firstRun(first: ReturnType<typeof start>, base: string, smtpPort: number): Promise<void> {
    await waitFor(async () => (await fetch(`${base}/health`)).ok, 170000).catch(() => {
      throw new Error(`not healthy:\n${first.output()}`);
    });
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
    // the store's JVM and the Node processes run with the memory options README states
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const store = children(first.child.pid!).find((c) => c.args.some((a) => a.endsWith('Launcher') || a.endsWith('Launcher.java')));
    const jvm = storeJvmOptions({ maxHeap: EMBEDDED_MONGO_HEAP, jvmArgs: EMBEDDED_MONGO_JVM });
    expect(store?.args.slice(1, 1 + jvm.length)).toEqual(jvm);
    for (const option of jvm) expect(readme).toContain(option);
    const flags = execFileSync('jcmd', [String(store!.pid), 'VM.flags'], { encoding: 'utf8' });
    expect(flags).toContain(`-XX:MaxHeapSize=${Number(EMBEDDED_MONGO_HEAP.replace(/m$/, '')) * 1024 * 1024}`);
    const nodes = children(first.child.pid!).filter((c) => c.args[0] === process.execPath);
    expect(nodes.map((n) => n.args[1]).sort()).toEqual(['dist/src/main/api.js', 'dist/src/main/workers.js']);
    for (const n of nodes) {
      const name = n.args[1].includes('api') ? 'api' : 'workers';
      const env = fs.readFileSync(`/proc/${n.pid}/environ`, 'utf8').split('\0');
      const options = (env.find((a) => a.startsWith('NODE_OPTIONS=')) ?? 'NODE_OPTIONS=').slice('NODE_OPTIONS='.length).split(/\s+/).filter(Boolean);
      expect(options.slice(0, NODE_FLAGS[name].length)).toEqual(NODE_FLAGS[name]);
      for (const o of NODE_FLAGS[name]) expect(readme).toContain(o);
    }
    await waitFor(async () => first.output().includes('agent1@demo.local'), 10000);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent1@demo.local', password: 'demo-password' }) });
    token = ((await login.json()) as { token: string }).token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/tickets`, { method: 'POST', headers: auth, body: JSON.stringify({ channel: 'voice', subject: 'Persist me across restarts', body: 'x', customer: { name: 'P' } }) });
    expect(created.status).toBe(201);
    number = ((await created.json()) as { number: number }).number;
    // a mail over SMTP becomes a ticket: parsed in the worker process's parse thread, compiled like the rest
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await mailer.sendMail({ from: 'Wei Chen <wei.chen@example.com>', to: 'support@demo.local', subject: 'Compiled intake: the fridge hums', text: 'The fridge hums all night.' });
    mailer.close();
    const bySubject = async () => ((await (await fetch(`${base}/api/tickets?channel=email&limit=50`, { headers: auth })).json()) as { tickets: { subject: string }[] }).tickets.some((t) => t.subject === 'Compiled intake: the fridge hums');
    await waitFor(bySubject, 60000);
    await new Promise((r) => setTimeout(r, 1500)); // the H2 store writes to its file about once a second
  }

  /** A second start in the same DATA_DIR finds the data and the session of the first. */
  async function secondRun(dataDir: string, port: number, smtpPort: number, base: string): Promise<void> {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const second = start(dataDir, port, smtpPort);
    try {
      await waitFor(async () => (await fetch(`${base}/health`)).ok, 170000);
      // tokens live in Redis (AOF under DATA_DIR), so the same session still works
      const again = await fetch(`${base}/api/tickets/${number}`, { headers: auth });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { subject: string }).subject).toBe('Persist me across restarts');
      const agents = await fetch(`${base}/api/agents`, { headers: auth });
      const list = ((await agents.json()) as { agents: { email: string }[] }).agents;
      expect(list.filter((a) => a.email === 'agent1@demo.local')).toHaveLength(1); // seeded once, not twice
    } finally {
      second.child.kill('SIGTERM');
      await stopped(second.child);
    }
  }
});
