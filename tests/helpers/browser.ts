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

/** Rebuilds the browser bundles (the console and the chat widget) when a source file is newer than its bundle. */
export function ensureConsoleBundle(): void {
  const newest = (dir: string): number => Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs)));
  const stale = (bundle: string, sources: string) => {
    const out = path.join(ROOT, 'public/build', bundle);
    return !fs.existsSync(out) || fs.statSync(out).mtimeMs < newest(path.join(ROOT, sources));
  };
  if (stale('console.js', 'console') || stale('chat-widget.js', 'widget')) execFileSync('node', ['scripts/build-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
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

/** A fresh browser context signed in to the console as `email` (demo password), live socket connected. */
export async function signInConsole(
  browser: Browser,
  baseUrl: string,
  email: string,
  opts: { hash?: string; locale?: 'en' | 'zh-CN'; viewport?: { width: number; height: number }; acceptDownloads?: boolean; /** collects the page's CSP violations (cspViolations) */ violations?: string[][] } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 860 }, locale: opts.locale === 'zh-CN' ? 'zh-CN' : 'en-US', acceptDownloads: opts.acceptDownloads });
  if (opts.locale) await context.addInitScript((l) => sessionStorage.setItem('aftercare.locale', l), opts.locale);
  const page = await context.newPage();
  if (opts.violations) opts.violations.push(await cspViolations(page));
  page.on('pageerror', (err) => console.error(`[${email}] page error`, err));
  await page.goto(`${baseUrl}/console${opts.hash ?? ''}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill('demo-password');
  await page.locator('form.login button[type=submit]').click();
  await page.locator('[data-live=on]').waitFor({ state: 'attached', timeout: 15000 }); // on a phone it sits in the folded menu
  return page;
}
