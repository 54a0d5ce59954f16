import { WEBHOOK_GUESSES_PER_ADDRESS } from '../../src/channels/email/email.routes';
import { buildMail } from '../fixtures/mail/build';
import { startTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/harness';

describe('the raw-mail webhook\'s secret cannot be guessed at speed', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false, env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  const raw = (n: number) => buildMail({ from: { address: `sender${n}@example.com` }, to: 'support@demo.local', subject: `Webhook ${n}`, text: 'hello' });
  const post = (secret: string, from: string, n = 0) =>
    app.http().post('/webhooks/email/raw').set('Content-Type', 'message/rfc822').set('X-Webhook-Secret', secret).set('X-Forwarded-For', from).send(raw(n));

  it('answers at most the budget of concurrent wrong guesses, then refuses every try from that address', async () => {
    const results = await Promise.all(Array.from({ length: WEBHOOK_GUESSES_PER_ADDRESS + 10 }, (_, i) => post(`guess-number-${i}-of-many`, '203.0.113.5')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(WEBHOOK_GUESSES_PER_ADDRESS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    // even the right secret waits now: a blocked address cannot tell a right guess from a wrong one
    expect((await post(WEBHOOK_SECRET, '203.0.113.5')).status).toBe(429);
  });

  it('never blocks a mail provider that knows the secret, however much it sends', async () => {
    for (let i = 0; i < WEBHOOK_GUESSES_PER_ADDRESS + 5; i++) expect((await post(WEBHOOK_SECRET, '198.51.100.2', i)).status).toBe(202);
  });
});
