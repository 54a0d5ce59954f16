import { createLogger } from '../../src/logger';

describe('logger', () => {
  it('redacts authorization headers, passwords, emails and phone numbers', () => {
    const lines: string[] = [];
    const log = createLogger('info', {}, { write: (s: string) => void lines.push(s) });
    log.info({ req: { headers: { authorization: 'Bearer secret-token' } }, customer: { email: 'zhang@example.cn', phone: '+8613800000000' }, password: 'hunter2', ticket: 42 }, 'hello');
    const out = lines.join('');
    expect(JSON.parse(out)).toMatchObject({ msg: 'hello', ticket: 42, customer: { email: '[redacted]', phone: '[redacted]' }, password: '[redacted]' });
    for (const secret of ['secret-token', 'zhang@example.cn', '+8613800000000', 'hunter2']) expect(out).not.toContain(secret);
  });
});
