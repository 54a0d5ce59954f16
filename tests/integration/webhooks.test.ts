import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eventually, startTestApp, TestApp } from '../helpers/harness';

const PYTHON = path.resolve(__dirname, '../../.cache/venv-test/bin/python');
const VERIFY = path.resolve(__dirname, '../fixtures/webhooks/verify.py');

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** What the reference implementation (Python `standardwebhooks` from PyPI) makes of a request signed with `secret`. */
function verifyWithPython(secret: string, r: Received): { ok: boolean; payload?: unknown; error?: string } {
  const headers = { 'webhook-id': r.headers['webhook-id'], 'webhook-timestamp': r.headers['webhook-timestamp'], 'webhook-signature': r.headers['webhook-signature'] };
  const p = spawnSync(PYTHON, [VERIFY], { input: JSON.stringify({ secret, body: r.body, headers }), encoding: 'utf8' });
  if (p.error) throw p.error;
  return p.status === 0 ? { ok: true, payload: JSON.parse(p.stdout) } : { ok: false, error: p.stderr };
}

/** A receiver on 127.0.0.1: answers with the status `answer()` says, and keeps every request it got. */
async function receiver(answer: (r: Received) => number) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') };
      got.push(r);
      res.writeHead(answer(r), { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/aftercare`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('outgoing webhooks', () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  let agent1: Awaited<ReturnType<TestApp['as']>>;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let refuseFirst = true;

  beforeAll(async () => {
    app = await startTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE: 'PT0.3S', WEBHOOK_DISABLE_AFTER: '4' } });
    admin = await app.as('admin@demo.local');
    agent1 = await app.as('agent1@demo.local');
    // the first attempt of each message is refused (a receiver restarting), the retry accepted
    const seen = new Set<string>();
    hook = await receiver((r) => {
      const id = r.headers['webhook-id'];
      if (refuseFirst && !seen.has(id)) {
        seen.add(id);
        return 500;
      }
      return 200;
    });
  });
  afterAll(async () => {
    await hook.close();
    await app.close();
  });

  it('delivers a signed event, refused first and retried with the same webhook-id, verified by the reference implementation', async () => {
    expect(fs.existsSync(PYTHON)).toBe(true); // scripts/setup.sh --test installs it
    const created = await admin.post('/api/webhooks').send({ url: hook.url, events: ['ticket.created', 'ticket.updated'], description: 'ERP' });
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    // the secret is shown once: never again
    const listed = JSON.stringify((await admin.get('/api/webhooks')).body);
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain(secret.slice(6));

    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: '申请退款', body: '洗碗机坏了', customer: { name: '王芳', email: 'wang.fang@example.cn' }, team: 'support' })).body;
    await eventually(async () => hook.got.filter((r) => JSON.parse(r.body).type === 'ticket.created').length >= 2, 20_000);
    const [first, second] = hook.got.filter((r) => JSON.parse(r.body).type === 'ticket.created');
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    for (const r of [first, second]) {
      const v = verifyWithPython(secret, r);
      expect(v).toMatchObject({ ok: true, payload: { type: 'ticket.created', data: { ticket: { id: t.id, number: t.number, subject: '申请退款', team: 'support' } } } });
    }
    // a wrong secret does not verify: the check can fail
    expect(verifyWithPython(`whsec_${Buffer.from('another secret of 24 b!!').toString('base64')}`, second).ok).toBe(false);
    expect(verifyWithPython(secret, { ...second, body: second.body.replace('申请退款', '申请退货') }).ok).toBe(false);

    const log = await eventually(async () => {
      const d = (await admin.get(`/api/webhooks/${created.body.id}/deliveries`)).body.deliveries.find((x: { event: string }) => x.event === 'ticket.created');
      return d?.status === 'delivered' ? d : null;
    }, 10_000);
    expect(log.msgId).toBe(first.headers['webhook-id']);
    expect(log.attempts).toEqual([
      expect.objectContaining({ status: 500, error: 'HTTP 500', latencyMs: expect.any(Number) }),
      expect.objectContaining({ status: 200, error: null, latencyMs: expect.any(Number) }),
    ]);
  });

  it('signs with both secrets during a rotation, and replays a delivery by hand with its webhook-id', async () => {
    refuseFirst = false;
    const webhook = (await admin.get('/api/webhooks')).body.webhooks[0];
    const created = await admin.post('/api/webhooks').send({ url: hook.url, events: ['ticket.updated'] });
    const old: string = created.body.secret;
    const rotated = await admin.post(`/api/webhooks/${created.body.id}/rotate`).send({ keepOldFor: 'PT1H' });
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.secret;
    expect(fresh).not.toBe(old);
    expect(rotated.body.secrets).toHaveLength(2);

    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: 'Dryer', body: 'Loud.', customer: { name: 'Kim', email: 'kim@example.com' }, team: 'support' })).body;
    const before = hook.got.length;
    await agent1.patch(`/api/tickets/${t.number}`).send({ priority: 'high' }).expect(200);
    const toRotated = await eventually(async () => hook.got.slice(before).find((r) => JSON.parse(r.body).type === 'ticket.updated' && r.headers['webhook-signature'].split(' ').length === 2), 20_000);
    expect(verifyWithPython(old, toRotated)).toMatchObject({ ok: true, payload: { data: { ticket: { number: t.number, priority: 'high' }, changes: { priority: ['normal', 'high'] } } } });
    expect(verifyWithPython(fresh, toRotated).ok).toBe(true);

    const deliveries = (await admin.get(`/api/webhooks/${webhook.id}/deliveries`)).body.deliveries;
    const target = deliveries.find((d: { event: string; status: string }) => d.event === 'ticket.created' && d.status === 'delivered');
    const count = hook.got.filter((r) => r.headers['webhook-id'] === target.msgId).length;
    const replay = await admin.post(`/api/webhooks/${webhook.id}/deliveries/${target.id}/replay`);
    expect(replay.status).toBe(202);
    await eventually(async () => hook.got.filter((r) => r.headers['webhook-id'] === target.msgId).length === count + 1, 10_000);
  });

  it('calls a webhook from a rule', async () => {
    const created = await admin.post('/api/webhooks').send({ url: hook.url, events: ['return.updated'] });
    const rule = await admin.post('/api/automations').send({ name: 'Tell the ERP about refunds', on: 'ticket.created', conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: 'refund' }] }, actions: [{ type: 'webhook', webhookId: created.body.id }] });
    expect(rule.status).toBe(201);
    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: 'Refund please', body: 'Broken on arrival.', customer: { name: 'Lee', email: 'lee@example.com' }, team: 'support' })).body;
    const call = await eventually(async () => hook.got.find((r) => JSON.parse(r.body).type === 'automation.rule'), 20_000);
    expect(verifyWithPython(created.body.secret, call)).toMatchObject({ ok: true, payload: { data: { rule: { id: rule.body.id, name: 'Tell the ERP about refunds' }, ticket: { number: t.number } } } });
    await admin.delete(`/api/automations/${rule.body.id}`).expect(204);
  });

  it('disables a webhook after repeated failures and mails the admins', async () => {
    const down = await receiver(() => 503);
    try {
      const created = await admin.post('/api/webhooks').send({ url: down.url, events: ['ticket.created'] });
      for (let i = 0; i < 2; i++) await agent1.post('/api/tickets').send({ channel: 'web', subject: `Outage ${i}`, body: 'x', customer: { name: 'Mo', email: `mo${i}@example.com` }, team: 'support' }).expect(201);
      const off = await eventually(async () => {
        const w = (await admin.get(`/api/webhooks/${created.body.id}`)).body;
        return w.active === false ? w : null;
      }, 20_000);
      expect(off).toMatchObject({ consecutiveFailures: 4, disabledReason: expect.stringContaining('HTTP 503') });
      const mail = await eventually(async () => {
        const dir = path.join(app.dataDir, 'outbox');
        const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).find((m) => m.includes('admin@demo.local') && m.includes(down.url));
      }, 20_000);
      expect(mail).toMatch(/Subject: Webhook disabled after 4 failed deliveries/);
      // nothing more is sent to a disabled webhook
      const n = down.got.length;
      await agent1.post('/api/tickets').send({ channel: 'web', subject: 'After', body: 'x', customer: { name: 'Mo', email: 'mo9@example.com' }, team: 'support' }).expect(201);
      const sweep = await app.c.queues.get('webhooks').add('sweep', {});
      await eventually(async () => (await sweep.isCompleted()) || null, 10_000);
      expect(down.got.length).toBe(n);
      // enabled again by hand, the streak starts over
      expect((await admin.put(`/api/webhooks/${created.body.id}`).send({ active: true })).body).toMatchObject({ active: true, consecutiveFailures: 0, disabledAt: null });
    } finally {
      await down.close();
    }
  });
});

describe('webhook targets by default', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  });
  afterAll(() => app.close());

  it('refuses loopback, private and IPv4-mapped targets unless WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const admin = await app.as('admin@demo.local');
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://192.168.0.10/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://[::ffff:127.0.0.1]/x', 'http://[fd00::1]/x']) {
      const res = await admin.post('/api/webhooks').send({ url, events: ['ticket.created'] });
      expect([url, res.status, res.body.error?.code]).toEqual([url, 422, 'private_target']);
    }
    expect((await admin.post('/api/webhooks').send({ url: 'ftp://example.com/x', events: ['ticket.created'] })).status).toBeGreaterThanOrEqual(400);
    expect((await admin.get('/api/webhooks')).body.webhooks).toEqual([]);
    expect((await (await app.as('agent1@demo.local')).get('/api/webhooks')).status).toBe(403);
  });
});
