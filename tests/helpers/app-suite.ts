import { startTestApp, TestApp, TestAppOptions } from './harness';

/**
 * How long a suite's set-up may take: an app on its stores starts in a few seconds, but on a
 * machine whose cores the other suites (and CI's neighbours) hold, it took over 60 s. A set-up is
 * not what a suite asserts, so it gets room; the tests keep their own timeouts.
 */
export const SETUP_TIMEOUT_MS = 180_000;

export interface AppSuite<S> {
  /** the app on the real stores (set in the suite's beforeAll) */
  app: TestApp;
  /** the outbound mail sink, when the suite asked for one (its URL is the app's SMTP_URL) */
  sink: S;
}

/**
 * The set-up of a suite that runs one test app, registered in the calling `describe`: an optional
 * SMTP sink started first (`mail: startSink` or `startSmtpSink`; its URL becomes SMTP_URL unless
 * `app.env` names another), then the app; both closed after the suite. A suite's own `beforeAll`
 * declared after this call runs after it, with `app` (and `sink`) ready.
 */
export function appSuite<S extends { url: string; close(): Promise<void> } = never>(opts: { app?: TestAppOptions; mail?: () => Promise<S> } = {}): AppSuite<S> {
  const suite = {} as AppSuite<S>;
  beforeAll(async () => {
    if (opts.mail) suite.sink = await opts.mail();
    const mailEnv: Record<string, string> = suite.sink ? { SMTP_URL: suite.sink.url } : {};
    suite.app = await startTestApp({ ...opts.app, env: { ...mailEnv, ...opts.app?.env } });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await suite.app?.close();
    await suite.sink?.close();
  });
  return suite;
}
