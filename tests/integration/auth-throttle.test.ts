import { DEMO_PASSWORD, startTestApp, TestApp } from '../helpers/harness';
import { LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, LOGIN_ATTEMPTS_PER_ADDRESS } from '../../src/modules/auth/auth.service';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('sign-in throttling behind a configured proxy (TRUST_PROXY=loopback)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  const login = (email: string, password: string, from: string) => app.http().post('/api/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it('checks exactly the budget of concurrent wrong passwords, and refuses the rest before any check', async () => {
    const results = await Promise.all(Array.from({ length: 35 }, () => login('agent2@demo.local', 'wrong-password', '203.0.113.10')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35 - LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not lock the real user out from another address', async () => {
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS; i++) expect((await login('manager@demo.local', 'guess', '198.51.100.66')).status).toBe(401);
    expect((await login('manager@demo.local', DEMO_PASSWORD, '198.51.100.66')).status).toBe(429); // the guesser's address waits, even with the password
    const real = await login('manager@demo.local', DEMO_PASSWORD, '192.0.2.15');
    expect(real.status).toBe(200);
    expect(real.body.agent.email).toBe('manager@demo.local');
  });

  it('limits unknown accounts like known ones, taking as long over them', async () => {
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS; i++) expect((await login('nobody@demo.local', 'x', '203.0.113.77')).status).toBe(401);
    expect((await login('nobody@demo.local', 'x', '203.0.113.77')).status).toBe(429);
    // interleaved, so that load on the machine hits both alike; an unknown account without its own
    // Argon2 check answers in a small fraction of the time
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      for (const [email, into] of [['supervisor@demo.local', known], [`ghost${i}@demo.local`, unknown]] as const) {
        const t0 = process.hrtime.bigint();
        expect((await login(email, 'not-it', `203.0.113.${100 + i}`)).status).toBe(401);
        into.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
  });
});

describe('sign-in throttling with no proxy configured (the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('ignores X-Forwarded-For: rotating it does not buy new attempts', async () => {
    const tries = await Promise.all(
      Array.from({ length: LOGIN_ATTEMPTS_PER_ADDRESS }, (_, i) => app.http().post('/api/auth/login').set('X-Forwarded-For', `10.9.${i}.1`).send({ email: `user${i}@demo.local`, password: 'x' })),
    );
    expect(tries.every((r) => r.status === 401)).toBe(true);
    const next = await app.http().post('/api/auth/login').set('X-Forwarded-For', '10.9.200.1').send({ email: 'agent1@demo.local', password: DEMO_PASSWORD });
    expect(next.status).toBe(429);
  });
});
