import { eventually, nextEvent, startTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/harness';
import { RedisSentinelHandle, startRedisSentinel } from '../helpers/redis-topologies';

/**
 * Redis behind a Sentinel (REDIS_URL=redis+sentinel://…?name=aftercare): the app finds the primary
 * through the Sentinel, and when the primary dies it follows the replica the Sentinel promotes —
 * sessions, the socket adapter and the BullMQ workers included, without a restart.
 */
describe('Redis through Sentinel, across a failover', () => {
  let sentinel: RedisSentinelHandle;
  let app: TestApp;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    app = await startTestApp({ env: { REDIS_URL: sentinel.url } });
  }, 60000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await sentinel?.stop();
  });

  const mail = (subject: string, id: string) =>
    app
      .http()
      .post('/webhooks/email/raw')
      .set('X-Webhook-Secret', WEBHOOK_SECRET)
      .set('Content-Type', 'message/rfc822')
      .send(Buffer.from(`From: Sam <sam@example.com>\r\nTo: support@demo.local\r\nSubject: ${subject}\r\nMessage-ID: <${id}@example.com>\r\n\r\nIt stopped.\r\n`));

  it('keeps signing in, queueing mail and reaching agents after the primary dies', async () => {
    const token = await app.login('agent1@demo.local');
    const agent = await app.agentSocket('agent1@demo.local');
    const before = nextEvent(agent, 'ticket:created', (t: any) => t.subject === 'Dryer stopped', 20000);
    expect((await mail('Dryer stopped', 'sentinel-1')).status).toBe(202);
    await before;

    const oldPrimary = await sentinel.primaryPort();
    await sentinel.killPrimary();
    await eventually(async () => (await sentinel.primaryPort()) !== oldPrimary || null, 30000, 200); // the Sentinel promoted the replica
    // the session written before the failover was replicated: still signed in, on the new primary
    await eventually(async () => (await app.http().get('/api/tickets').set('Authorization', `Bearer ${token}`)).status === 200 || null, 30000, 200);

    const after = nextEvent(agent, 'ticket:created', (t: any) => t.subject === 'Freezer warm', 30000);
    const accepted = await eventually(async () => ((await mail('Freezer warm', 'sentinel-2')).status === 202 ? true : null), 30000, 200);
    expect(accepted).toBe(true);
    expect((await after).channel).toBe('email');
    expect(await app.c.models.Ticket.countDocuments({ subject: { $in: ['Dryer stopped', 'Freezer warm'] } })).toBe(2);
  });
});
