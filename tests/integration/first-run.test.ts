import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort } from '../../scripts/lib/embedded-stores';
import { launchChromium } from '../helpers/browser';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * What a newcomer gets from `git clone … && npm start`: a copy of exactly the files git would give
 * them (tracked and new, nothing ignored: no public/build, no data), with this checkout's
 * node_modules linked and the mongo-java-server jars copied so that nothing is downloaded again.
 */
function freshClone(opts: { linkNodeModules: boolean } = { linkNodeModules: true }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    if (!fs.lstatSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile()) continue; // deleted in the working tree, or a link (node_modules)
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  if (opts.linkNodeModules) fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  for (const jars of ['scripts/mongo/lib', 'scripts/mongo/build']) fs.cpSync(path.join(ROOT, jars), path.join(dir, jars), { recursive: true });
  // a repository of its own, so that `git status` shows whatever the first start rewrites
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'clone');
  return dir;
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('first run from a fresh clone', () => {
  let clone: string;
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(() => {
    // the linked node_modules must match the lock already, or the clone's setup would reinstall into this checkout's
    execFileSync('bash', ['scripts/setup.sh', '--npm'], { cwd: ROOT, stdio: 'ignore' });
    clone = freshClone();
  }, 120000);
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await stopped(child);
    }
    fs.rmSync(clone, { recursive: true, force: true });
  });

  it('npm start builds the bundles, prints a clean banner, serves a working console and widget, and rewrites no file', async () => {
    expect(fs.existsSync(path.join(clone, 'public', 'build'))).toBe(false);
    const [port, smtpPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SMTP_PORT: String(smtpPort), NODE_ENV: 'test' };
    for (const k of ['MONGODB_URI', 'REDIS_URL', 'DATA_DIR', 'LOG_LEVEL', 'npm_config_prefix']) delete env[k];
    child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner within 240 s:\n${stdout}\n${stderr}`)), 240000);
      child!.stdout!.on('data', () => {
        if (stdout.includes('Ctrl-C stops everything.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${stdout}\n${stderr}`)));
    });

    // the banner: the URLs and every demo login, no log lines and no terminal escapes
    expect(stdout).toContain(`http://localhost:${port}/console`);
    for (const login of ['admin', 'manager', 'director', 'supervisor', 'agent1', 'agent2']) expect(stdout).toContain(`${login}@demo.local`);
    expect(stdout).not.toMatch(/^\s*\{"level"/m);
    expect(stdout + stderr).not.toMatch(/\x1b\[/);
    const apiLog = path.join(clone, 'data', 'logs', 'api.log');
    // the API's JSON log lines are in its file (the seeding is logged before it listens)
    expect(fs.readFileSync(apiLog, 'utf8')).toMatch(/^\{"level":30,.*"proc":"api".*"msg":"demo organisation seeded"\}$/m);
    expect(stdout).toContain(apiLog.replace(/api\.log$/, ''));

    const base = `http://127.0.0.1:${port}`;
    const widget = await fetch(`${base}/chat-widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    const icon = await fetch(`${base}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\//);

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${base}/console`);
    await page.locator('form.login input[type=password]').waitFor({ timeout: 20000 });
    expect(await page.locator('link[rel=icon]').count()).toBeGreaterThan(0);
    await page.goto(`${base}/`);
    await page.locator('button.fab').waitFor({ timeout: 20000 });

    child.kill('SIGINT');
    await stopped(child);
    // nothing the first start did shows in git: not the lock (npm ci / install --no-save), not the bundles or data (ignored)
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  }, 360000);

  it('npm run build works in a clone without node_modules: it installs them first (npm ci, from the cache)', () => {
    const bare = freshClone({ linkNodeModules: false });
    try {
      execFileSync('npm', ['run', 'build'], { cwd: bare, stdio: 'ignore', env: { ...process.env, npm_config_prefer_offline: 'true' } });
      for (const f of ['console.js', 'chat-widget.js']) expect(fs.statSync(path.join(bare, 'public', 'build', f)).size).toBeGreaterThan(1000);
      expect(execFileSync('git', ['status', '--porcelain'], { cwd: bare, encoding: 'utf8' })).toBe('');
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  }, 300000);
});
