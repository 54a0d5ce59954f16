import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/embedded-stores';

export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  /** the server's log (the RFC 2971 ID of each client is logged: `imap_id_log = *`) */
  log(): string;
  stop(): Promise<void>;
  /** starts it again on the same port and mail (a restart, or after stop) */
  start(): Promise<void>;
}

/**
 * A throwaway Dovecot IMAP server (Debian's dovecot-imapd) on a free loopback port: its own config,
 * users from a passwd-file with plaintext passwords, Maildirs under a temporary directory.
 */
export async function startDovecot(users: { user: string; password: string }[]): Promise<Dovecot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-dovecot-'));
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // as root the mail and login processes run as Debian's dovecot users; otherwise as ourselves
  const internal = root ? 'dovecot' : os.userInfo().username;
  const login = root ? 'dovenull' : os.userInfo().username;
  const uid = root ? Number(execFileSync('id', ['-u', 'dovecot']).toString().trim()) : process.getuid!();
  const gid = root ? Number(execFileSync('id', ['-g', 'dovecot']).toString().trim()) : process.getgid!();
  for (const d of ['run', 'state', 'mail', 'home']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  if (root) {
    for (const d of ['mail', 'home']) fs.chownSync(path.join(dir, d), uid, gid);
    fs.chmodSync(dir, 0o755);
  }
  fs.writeFileSync(path.join(dir, 'users'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::`).join('\n') + '\n', { mode: 0o644 });
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${internal}
default_internal_group = ${root ? 'dovecot' : os.userInfo().username}
default_login_user = ${login}
first_valid_uid = ${Math.min(uid, 1)}
first_valid_gid = ${Math.min(gid, 1)}
mail_location = maildir:${dir}/mail/%u
imap_id_log = *
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`;
  const confFile = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(confFile, conf);
  let child: ChildProcess | null = null;

  const start = async () => {
    child = spawn('dovecot', ['-F', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const until = Date.now() + 15000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dovecot exited: ${out}${fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8').slice(-2000) : ''}`);
      if (await accepts(port)) return;
      if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => c.kill('SIGKILL'), 8000);
      c.once('exit', () => (clearTimeout(t), resolve()));
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    dir,
    log: () => (fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : ''),
    start,
    async stop() {
      await stop();
    },
  };
}

export async function removeDovecot(d: Dovecot): Promise<void> {
  await d.stop();
  fs.rmSync(d.dir, { recursive: true, force: true });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
