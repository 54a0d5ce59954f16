import { startRedis, StoreHandle } from '../../scripts/lib/embedded-stores';
import { eventually, startTestApp, TestApp } from '../helpers/harness';

describe('Redis outage', () => {
  let redis: StoreHandle;
  let app: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ env: { REDIS_URL: redis.url }, workers: false });
  });
  afterAll(async () => {
    await app.close().catch(() => undefined);
    await redis.stop();
  });

  it('turns /health 503 with redis down, and back to ok when Redis returns, without a restart', async () => {
    expect((await app.http().get('/health')).status).toBe(200);
    const port = redis.port;
    await redis.stop();
    const down = await eventually(async () => {
      const res = await app.http().get('/health');
      return res.status === 503 ? res : null;
    }, 10000);
    expect(down.body).toEqual({ status: 'degraded', mongo: 'up', redis: 'down' });
    // requests that need Redis fail fast with an error instead of hanging
    const login = await app.http().post('/api/auth/login').send({ email: 'agent1@demo.local', password: 'demo-password' });
    expect(login.status).toBe(503);
    expect(login.body.error.code).toBe('unavailable');

    redis = await startRedis({ port });
    const up = await eventually(async () => {
      const res = await app.http().get('/health');
      return res.status === 200 ? res : null;
    }, 15000);
    expect(up.body).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
    const again = await app.http().post('/api/auth/login').send({ email: 'agent1@demo.local', password: 'demo-password' });
    expect(again.status).toBe(200);
  });
});
