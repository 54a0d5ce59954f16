/**
 * How fast `npm start` (after installation) answers /health ok, and how much memory all its
 * processes use together (orchestrator, API, workers, Redis, mongo-java-server), idle and after
 * some traffic. Targets: healthy within 20 s, all processes under 1 GB.
 * Also the API process's CPU ms per ticket over the 500 (what V8 options cost) and each process's RSS.
 *   npx tsx bench/startup.ts        (START=tsx: the processes from their sources under tsx)
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../scripts/lib/embedded-stores';
import { loadAverage, processCpuSeconds, ROOT, runBench } from './lib/harness';

/** When a process started (ms since the epoch), from /proc: field 22 of its stat, in clock ticks after boot. */
function startedAt(pid: number): number {
  const btime = Number(/^btime (\d+)/m.exec(fs.readFileSync('/proc/stat', 'utf8'))![1]);
  const ticks = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[19]);
  return btime * 1000 + (ticks * 1000) / 100;
}

/** ms after `t0` at which a process's log first says `msg` (pino JSON lines), or '–'. */
function loggedAt(file: string, msg: string, t0: number): string {
  for (const line of fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []) {
    if (!line.includes(`"msg":"${msg}"`)) continue;
    return String(Number(/"time":(\d+)/.exec(line)![1]) - t0);
  }
  return '–';
}

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

/** RSS in MB of each process of the tree, named by its command. */
function perProcess(pid: number): string {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,comm=,args='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/));
  const out: string[] = [];
  const stack = [String(pid)];
  while (stack.length) {
    const p = stack.pop()!;
    for (const r of rows) {
      if (r[0] === p) out.push(`${r.slice(4).join(' ').match(/(api|workers|start)\.(js|ts)|java|redis-server|esbuild/)?.[0] ?? r[3]} ${Math.round(Number(r[2]) / 1024)}`);
      if (r[1] === p) stack.push(r[0]);
    }
  }
  return out.join(', ');
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-start-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), SMTP_PORT: String(await freePort()), LOG_LEVEL: 'info' };
  delete env.MONGODB_URI;
  delete env.REDIS_URL;
  // what `npm start` runs: its build step, then the compiled orchestrator (START=tsx: from the sources under tsx)
  const fromSources = process.env.START === 'tsx';
  if (!fromSources) execFileSync(process.execPath, ['scripts/build-server.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  const t0 = Date.now();
  const child = spawn(process.execPath, fromSources ? ['--import', 'tsx', 'scripts/start.ts'] : ['dist/scripts/start.js'], { cwd: ROOT, env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() - t0 > 120_000) {
      child.kill('SIGINT'); // it stops its children and stores
      throw new Error(`not healthy within 120 s (load ${loadAverage()})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const healthyMs = Date.now() - t0;
  // what the start waited for: the stores (the API and workers are spawned once both answer), then
  // each process's own start; and the CPU each process spent until healthy (robust to the load)
  const kids = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').map((r) => r.trim().split(/\s+/));
  const pidOf = (re: RegExp) => Number(kids.find((r) => re.test(r.slice(1).join(' ')))?.[0]);
  const [apiPid, workersPid, javaPid] = [pidOf(/src\/main\/api\./), pidOf(/src\/main\/workers\./), pidOf(/^java /)];
  const cpuAtHealthy = `CPU s until healthy: api ${processCpuSeconds(apiPid).toFixed(1)}, workers ${processCpuSeconds(workersPid).toFixed(1)}, mongo-java-server ${processCpuSeconds(javaPid).toFixed(1)}, orchestrator ${processCpuSeconds(child.pid).toFixed(1)}`;
  await new Promise((r) => setTimeout(r, 3000)); // the logs written (pino writes asynchronously)
  const logs = path.join(dataDir, 'logs');
  const stages = `ms after the spawn: stores ready (api spawned) ${Math.round(startedAt(apiPid) - t0)}, demo seeded ${loggedAt(path.join(logs, 'api.log'), 'demo organisation seeded', t0)}, api listening ${loggedAt(path.join(logs, 'api.log'), 'api listening', t0)}, workers running ${loggedAt(path.join(logs, 'workers.log'), 'workers running', t0)}, healthy ${healthyMs}`;
  const idleMb = treeRssMb(child.pid!);
  const idle = perProcess(child.pid!);
  const api = Number(execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(child.pid)], { encoding: 'utf8' }).split('\n').find((r) => r.includes('src/main/api.'))!.trim().split(/\s+/)[0]);
  const apiCpu0 = processCpuSeconds(api);
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'agent1@demo.local', password: 'demo-password' }) });
  const { token } = (await login.json()) as { token: string };
  const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (let i = 0; i < 500; i++) {
    await fetch(`${base}/api/tickets`, { method: 'POST', headers: h, body: JSON.stringify({ channel: 'voice', subject: `Load ${i}`, body: 'x'.repeat(500), customer: { name: `C${i}`, phone: `+86138${String(i).padStart(8, '0')}` } }) });
    if (i % 5 === 0) await fetch(`${base}/api/queue?limit=50`, { headers: h });
  }
  const apiCpuMsPerTicket = Math.round(((processCpuSeconds(api) - apiCpu0) * 1000) / 500 * 10) / 10;
  const busyMb = treeRssMb(child.pid!);
  const busy = perProcess(child.pid!);
  child.kill('SIGINT');
  const t1 = Date.now();
  await new Promise((r) => child.once('exit', r));
  const stopMs = Date.now() - t1;
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ healthyMs, idleRssMb: idleMb, afterLoadRssMb: busyMb, stopMs, apiCpuMsPerTicket, load: loadAverage(), start: fromSources ? 'tsx' : 'compiled' }));
  console.log(`  ${stages}\n  ${cpuAtHealthy}\n  idle ${idle}\n  after 500 tickets ${busy}`);
}

runBench(main);
