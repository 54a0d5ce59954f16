import type { Browser, Page } from 'playwright-core';
import { appSuite, AppSuite, SETUP_TIMEOUT_MS } from './app-suite';
import { ensureConsoleBundle, launchChromium, signInConsole } from './browser';
import type { TestAppOptions } from './harness';

type SignInOptions = Parameters<typeof signInConsole>[3];

export interface BrowserSuite<S> extends AppSuite<S> {
  /** Debian's headless Chromium */
  browser: Browser;
  /** a fresh context signed in to the console; with `csp`, its CSP violations fail the test */
  signIn(email: string, opts?: SignInOptions): Promise<Page>;
}

/**
 * The set-up every browser suite shares, registered in the calling `describe`: the browser bundles
 * built when stale, the test app with its optional mail sink (`appSuite`), Chromium; everything
 * closed after the suite. With `csp`, every page signed in through `signIn` must run without a
 * single Content Security Policy violation. A suite's own `beforeAll` declared after this call runs
 * after it, with `app` and `browser` ready.
 */
export function browserSuite<S extends { url: string; close(): Promise<void> } = never>(
  opts: { app?: TestAppOptions; mail?: () => Promise<S>; csp?: boolean; signIn?: SignInOptions } = {},
): BrowserSuite<S> {
  beforeAll(() => ensureConsoleBundle(), SETUP_TIMEOUT_MS);
  const suite = appSuite(opts) as BrowserSuite<S>;
  const violations: string[][] = [];
  suite.signIn = (email, o = {}) => signInConsole(suite.browser, suite.app.url, email, { ...opts.signIn, ...(opts.csp ? { violations } : {}), ...o });
  beforeAll(async () => {
    suite.browser = await launchChromium();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await suite.browser?.close();
  });
  if (opts.csp) {
    afterEach(() => {
      expect(violations.flat()).toEqual([]);
      violations.length = 0;
    });
  }
  return suite;
}
