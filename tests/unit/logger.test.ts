import { createLogger, scrubAddresses } from '../../src/logger';
import { cpuMs } from '../helpers/cpu-cost';

function capture() {
  const lines: string[] = [];
  const log = createLogger('info', {}, { write: (s: string) => void lines.push(s) });
  return { log, out: () => lines.join(''), last: () => JSON.parse(lines[lines.length - 1]) };
}

describe('logger', () => {
  it('redacts authorization headers, passwords, emails and phone numbers', () => {
    const { log, out } = capture();
    log.info({ req: { headers: { authorization: 'Bearer secret-token' } }, customer: { email: 'zhang@example.cn', phone: '+8613800000000' }, password: 'hunter2', ticket: 42 }, 'hello');
    expect(JSON.parse(out())).toMatchObject({ msg: 'hello', ticket: 42, customer: { email: '[redacted]', phone: '[redacted]' }, password: '[redacted]' });
    for (const secret of ['secret-token', 'zhang@example.cn', '+8613800000000', 'hunter2']) expect(out()).not.toContain(secret);
  });

  it('redacts at any depth, in arrays too', () => {
    const { log, out, last } = capture();
    log.info({ job: { data: { mail: { envelope: { from: 'a@x.cn', to: ['b@y.cn'] }, customer: { contacts: [{ email: 'c@z.cn' }, { phone: '+44 20 7946 0018' }] } } } } }, 'deep');
    expect(last().job.data.mail.envelope).toBe('[redacted]');
    expect(last().job.data.mail.customer.contacts).toEqual([{ email: '[redacted]' }, { phone: '[redacted]' }]);
    for (const secret of ['a@x.cn', 'b@y.cn', 'c@z.cn', '7946']) expect(out()).not.toContain(secret);
  });

  it('scrubs addresses out of reasons, messages and errors', () => {
    const { log, out, last } = capture();
    log.warn({ reason: '550 5.1.1 <wang.fang@example.cn>: Recipient address rejected', ticket: 7 }, 'reply to %s failed', 'li.lei@example.com');
    expect(last()).toMatchObject({ reason: '550 5.1.1 <[email]>: Recipient address rejected', msg: 'reply to [email] failed', ticket: 7 });
    const err = Object.assign(new Error('Can\'t send mail - all recipients were rejected: 550 <zhao@example.cn> unknown; call +86 138 0013 8000'), { response: '550 <zhao@example.cn>', rejected: ['zhao@example.cn'] });
    log.error({ err, ticket: 8 }, 'delivery failed');
    expect(last()).toMatchObject({ msg: 'delivery failed', err: { type: 'Error', message: expect.stringContaining('<[email]> unknown; call [phone]'), response: '550 <[email]>', rejected: '[redacted]' } });
    log.error(new Error('no route to ops@example.org'));
    expect(last().msg).toBe('no route to [email]');
    expect(last().err.stack).not.toContain('ops@example.org');
    for (const secret of ['wang.fang@', 'li.lei@', 'zhao@', 'ops@', '0013']) expect(out()).not.toContain(secret);
  });

  it('scrubs in linear time, and leaves what is not an address', async () => {
    expect(scrubAddresses('ticket #42 at 10:30, see https://help.example.com/@team')).toBe('ticket #42 at 10:30, see https://help.example.com/@team');
    expect(scrubAddresses('Mail a@b.cn. Then c@d.com!')).toBe('Mail [email]. Then [email]!');
    // ten times the input costs about ten times the CPU (a backtracking regex would be ~100×)
    const hostile = (n: number) => () => {
      scrubAddresses(`${'a'.repeat(n)}@${'b'.repeat(n)}`);
      scrubAddresses('@'.repeat(n));
    };
    await cpuMs(hostile(20_000), 1); // warm-up
    const once = await cpuMs(hostile(20_000), 3);
    const tenfold = await cpuMs(hostile(200_000), 2);
    expect(tenfold).toBeLessThan(30 * Math.max(once, 2));
  });
});
