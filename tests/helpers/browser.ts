import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../..');

/** Debian's headless Chromium, quiet: no network of its own, no first-run or update work. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Rebuilds the console bundle when a source file is newer than it. */
export function ensureConsoleBundle(): void {
  const out = path.join(ROOT, 'public/build/console.js');
  const newest = (dir: string): number => Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < newest(path.join(ROOT, 'console'))) execFileSync('node', ['scripts/build-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Collects the Content Security Policy violations of a page from here on: the browser's own report
 * on the console and the `securitypolicyviolation` events (shadow roots and sub-resources included).
 */
export async function cspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|CSP violation/.test(m.text())) seen.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`), true);
  });
  return seen;
}
