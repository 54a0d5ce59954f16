import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, TestApp } from '../helpers/harness';

const ROOT = path.resolve(__dirname, '../..');

describe('security headers', () => {
  let app: TestApp;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'public/build/chat-widget.js'))) execFileSync('node', ['scripts/build-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app.close());

  it.each(['/console', '/', '/api/openapi.json', '/api/tickets', '/health', '/survey/not-a-token', '/no-such-page'])('sends a CSP, nosniff, no referrer and no framing on %s', async (path) => {
    const res = await app.http().get(path);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toBeUndefined(); // served over http
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('lets other sites load the chat widget script', async () => {
    const res = await app.http().get('/chat-widget.js');
    expect(res.status).toBe(200);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
  });
});

describe('security headers behind https', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false, seed: false, env: { PUBLIC_URL: 'https://help.example.com' } });
  });
  afterAll(() => app.close());

  it('sends HSTS and upgrades insecure requests when the public address is https', async () => {
    const res = await app.http().get('/console');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=31536000/);
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
