import request from 'supertest';
import { startMetricsServer } from '../../src/http/metrics';
import { METRIC_NAMES } from '../../src/infra/metrics';
import { eventually, startTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/harness';

const TOKEN = 'prometheus-scrape-token-0123';

/** Prometheus' text format: the value of the sample `name{labels}` (labels in the order exported), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=[a-zA-Z_]\w*=")/).filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('Prometheus metrics', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(() => app.close());

  const scrape = () => app.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);

  it('refuses a scrape without the token, or with a wrong one', async () => {
    const none = await app.http().get('/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await app.http().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('aftercare_');
  });

  it('exports every metric the dashboard reads, with process, memory and event-loop figures', async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of METRIC_NAMES) expect(res.text).toContain(`# TYPE ${name} `);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(sample(res.text, name)).toEqual(expect.any(Number));
    }
    for (const queue of ['mail-in', 'sla', 'notify']) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) expect(sample(res.text, 'aftercare_queue_jobs', { queue, state })).toEqual(expect.any(Number));
    }
  });

  it('counts a request under its route pattern, not its raw path', async () => {
    const a1 = await app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Metrics please', body: 'x', customer: { name: 'Mo', phone: '+86 10 5555 0101' }, team: 'support' });
    const before = sample((await scrape()).text, 'aftercare_http_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:number', status: '200' }) ?? 0;
    expect((await a1.get(`/api/tickets/${created.body.number}`)).status).toBe(200);
    expect((await a1.get('/api/tickets/99999999')).status).toBe(404);
    const text = (await scrape()).text;
    expect(sample(text, 'aftercare_http_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:number', status: '200' })).toBe(before + 1);
    expect(sample(text, 'aftercare_http_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:number', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(`route="/api/tickets/${created.body.number}"`);
  });

  it('counts a mail accepted at the door and ingested by the worker, and times its job', async () => {
    const res = await app
      .http()
      .post('/webhooks/email/raw')
      .set('X-Webhook-Secret', WEBHOOK_SECRET)
      .set('Content-Type', 'message/rfc822')
      .send(Buffer.from('From: Nina <nina@example.com>\r\nTo: support@demo.local\r\nSubject: Oven door will not close\r\nMessage-ID: <metrics-1@example.com>\r\n\r\nThe hinge broke.\r\n'));
    expect(res.status).toBe(202);
    const text = await eventually(async () => {
      const t = (await scrape()).text;
      return (sample(t, 'aftercare_mail_ingested_total', { outcome: 'created' }) ?? 0) >= 1 ? t : null;
    }, 20000);
    expect(sample(text, 'aftercare_mail_accepted_total', { via: 'webhook' })).toBe(1);
    expect(sample(text, 'aftercare_job_duration_seconds_count', { queue: 'mail-in', name: 'inbound', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'aftercare_job_wait_seconds_count', { queue: 'mail-in' })).toBeGreaterThanOrEqual(1);
  });

  it('counts the sockets of each namespace', async () => {
    const s = await app.agentSocket('supervisor@demo.local');
    expect(sample((await scrape()).text, 'aftercare_socket_connections', { namespace: '/agents' })).toBeGreaterThanOrEqual(1);
    s.disconnect();
    await eventually(async () => sample((await scrape()).text, 'aftercare_socket_connections', { namespace: '/agents' }) === 0 || null);
  });

  it('serves the worker process\'s metrics on a port of its own, behind the same token', async () => {
    const server = await startMetricsServer(app.c.metrics, { host: '127.0.0.1', port: 0, token: TOKEN, log: app.c.log });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      expect((await request(url).get('/metrics')).status).toBe(401);
      const ok = await request(url).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(ok.status).toBe(200);
      expect(sample(ok.text, 'aftercare_job_duration_seconds_count', { queue: 'mail-in', name: 'inbound', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
      expect((await request(url).get('/anything')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('metrics without METRICS_TOKEN', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false, seed: false });
  });
  afterAll(() => app.close());

  it('are off: GET /metrics is an unknown route, whatever the header', async () => {
    const res = await app.http().get('/metrics').set('Authorization', 'Bearer anything');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
