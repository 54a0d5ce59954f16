/**
 * How fast `npm start` (after installation) answers /health ok, and how much memory all its
 * processes use together (orchestrator, API, workers, Redis, mongo-java-server), idle and after
 * some traffic. Targets: healthy within 20 s, all processes under 1 GB.
 *   npx tsx bench/startup.ts
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../scripts/lib/embedded-stores';
import { ROOT, runBench } from './lib/harness';

function treeRssMb(pid: number): number {
  const ps = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' });
  const rows = ps.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const children = new Map<number, number[]>();
  for (const [p, pp] of rows) children.set(pp, [...(children.get(pp) ?? []), p]);
  const rss = new Map(rows.map(([p, , r]) => [p, r]));
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return Math.round(total / 1024);
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  delete env.MONGODB_URI;
  delete env.REDIS_URL;
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() - t0 > 60000) throw new Error('not healthy within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const healthyMs = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 3000));
  const idleMb = treeRssMb(child.pid!);
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent1@demo.local', password: 'demo-password' }) });
  const { token } = (await login.json()) as { token: string };
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (let i = 0; i < 500; i++) {
    await fetch(`${base}/api/tickets`, { method: 'POST', headers: h, body: JSON.stringify({ channel: 'voice', subject: `Load ${i}`, body: 'x'.repeat(500), customer: { name: `C${i}`, phone: `+86138${String(i).padStart(8, '0')}` } }) });
    if (i % 5 === 0) await fetch(`${base}/api/queue?limit=50`, { headers: h });
  }
  const busyMb = treeRssMb(child.pid!);
  child.kill('SIGINT');
  const t1 = Date.now();
  await new Promise((r) => child.once('exit', r));
  const stopMs = Date.now() - t1;
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ healthyMs, idleRssMb: idleMb, afterLoadRssMb: busyMb, stopMs }, null, 2));
}

runBench(main);
