import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson } from '../../../../src/modules/webhooks/webhook.transport';

/** The webhook transport against a real server on 127.0.0.1: what it refuses, follows and waits for. */
describe('webhook transport', () => {
  let server: http.Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') return void res.writeHead(302, { Location: 'http://169.254.169.254/latest' }).end();
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 3000);
      if (req.url === '/big') {
        res.writeHead(200);
        const chunk = 'x'.repeat(64 * 1024);
        const write = () => {
          if (!res.destroyed && res.write(chunk)) setImmediate(write);
          else if (!res.destroyed) res.once('drain', write);
        };
        return void write();
      }
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  const opts = { allowPrivate: true, timeoutMs: 1000 };

  it('refuses a name that resolves to loopback at connect time, and literal private addresses, unless allowed', async () => {
    const before = hits;
    for (const url of [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`]) {
      const r = await postJson(url, '{}', {}, { ...opts, allowPrivate: false });
      expect([url, r.status, r.error]).toEqual([url, null, expect.stringMatching(/not allowed/)]);
    }
    expect(hits).toBe(before); // no request reached the server
    expect((await postJson(`http://localhost:${port}/`, '{}', {}, opts)).status).toBe(204);
  });

  it('does not follow redirects, gives up after its timeout and reads a capped answer', async () => {
    const redirect = await postJson(`http://127.0.0.1:${port}/redirect`, '{}', {}, opts);
    expect(redirect).toMatchObject({ status: 302, error: expect.stringContaining('not followed') });
    const slow = await postJson(`http://127.0.0.1:${port}/slow`, '{}', {}, opts);
    expect(slow.status).toBeNull();
    expect(slow.error).toMatch(/within 1000 ms/);
    expect(slow.latencyMs).toBeLessThan(2500);
    const big = await postJson(`http://127.0.0.1:${port}/big`, '{}', {}, { ...opts, maxResponseBytes: 100_000 });
    expect(big.status).toBe(200);
    expect(big.response!.length).toBeLessThanOrEqual(1024);
  });
});
