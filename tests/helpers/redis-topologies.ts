import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/embedded-stores';

const run = promisify(execFile);

export interface RedisClusterHandle {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * A throwaway Redis Cluster of `masters` masters (no replicas) from Debian's redis-server on
 * loopback ports, joined by `redis-cli --cluster create`, as a department would run it on three
 * machines. In memory only; stop() ends every node.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-redis-cluster-'));
  const ports: number[] = [];
  // client port and cluster-bus port each free (port + 10000, the default bus, may be out of range)
  const busPorts: number[] = [];
  while (ports.length < masters) {
    const [p, b] = [await freePort(), await freePort()];
    if (p !== b && !ports.includes(p) && !busPorts.includes(b) && !ports.includes(b) && !busPorts.includes(p)) {
      ports.push(p);
      busPorts.push(b);
    }
  }
  const nodes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((c) => end(c)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, port] of ports.entries()) {
      const args = [
        '--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes',
        '--cluster-enabled', 'yes', '--cluster-port', String(busPorts[i]),
        '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000',
        '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
      ];
      nodes.push(await redisServer(args, port));
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30000 });
    await clusterOk(ports);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`, ports, stop };
}

/** Ends a node: SIGTERM, then SIGKILL if it lingers. */
function end(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

async function redisServer(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(child, port);
  return child;
}

function ready(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server :${port} did not start:\n${output.slice(-1500)}`)), 15000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections|Sentinel ID is/.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server :${port} exited with ${code}:\n${output.slice(-1500)}`));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every node agrees that all 16384 slots are served (the gossip takes a moment after create). */
async function clusterOk(ports: number[], timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(ports.map((p) => run('redis-cli', ['-p', String(p), 'cluster', 'info']).then((r) => r.stdout, () => '')));
    if (infos.every((i) => /cluster_state:ok/.test(i) && /cluster_slots_ok:16384/.test(i))) return;
    if (Date.now() > until) throw new Error(`Redis Cluster did not settle:\n${infos.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RedisSentinelHandle {
  /** `redis+sentinel://127.0.0.1:<sentinel>?name=aftercare` */
  url: string;
  /** the port of the server that is primary now */
  primaryPort(): Promise<number>;
  /** kills the current primary, as a crashed machine */
  killPrimary(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A primary, one replica and one Sentinel watching them (quorum 1, a primary is down after 1 s),
 * from Debian's redis-server on loopback ports: the smallest set that fails over.
 */
export async function startRedisSentinel(): Promise<RedisSentinelHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-redis-sentinel-'));
  const [primary, replica, sentinel] = [await freePort(), await freePort(), await freePort()];
  const servers = new Map<number, ChildProcess>();
  const base = (port: number) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dbfilename', `dump-${port}.rdb`];
  const all: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(all.map((c) => end(c)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    servers.set(primary, await redisServer(base(primary), primary));
    servers.set(replica, await redisServer([...base(replica), '--replicaof', '127.0.0.1', String(primary)], replica));
    all.push(...servers.values());
    const conf = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(conf, ['port ' + sentinel, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor aftercare 127.0.0.1 ${primary} 1`, 'sentinel down-after-milliseconds aftercare 1000', 'sentinel failover-timeout aftercare 10000', ''].join('\n'));
    all.push(await redisServer([conf, '--sentinel'], sentinel));
    // ready to fail over: the replica in sync and known to the Sentinel
    await until(async () => /master_link_status:up/.test((await run('redis-cli', ['-p', String(replica), 'info', 'replication'])).stdout), 'the replica to sync');
    await until(async () => /flags\s+slave\s/.test((await run('redis-cli', ['-p', String(sentinel), 'sentinel', 'replicas', 'aftercare'])).stdout), 'the Sentinel to see the replica');
  } catch (err) {
    await stop();
    throw err;
  }
  const primaryPort = async () => {
    const { stdout } = await run('redis-cli', ['-p', String(sentinel), 'sentinel', 'get-master-addr-by-name', 'aftercare']);
    return Number(stdout.trim().split('\n')[1]);
  };
  return {
    url: `redis+sentinel://127.0.0.1:${sentinel}?name=aftercare`,
    primaryPort,
    async killPrimary() {
      const port = await primaryPort();
      // what was written so far has reached the replica (as WAIT does for an application that needs it)
      await run('redis-cli', ['-p', String(port), 'wait', '1', '5000']);
      const child = servers.get(port);
      if (child) await end(child, 'SIGKILL');
    },
    stop,
  };
}
