import { createLogger } from '../../../../src/logger';
import { MailParseOutOfMemoryError, MailParsePool } from '../../../../src/channels/email/parse-pool';
import { buildMail } from '../../../fixtures/mail/build';
import { HOSTILE_MAILS } from '../../../fixtures/mail/hostile';
import { useMailStore } from '../../../fixtures/mail/parse';

/** A parse thread's heap bound (MAIL_PARSE_HEAP_MB): a mail that needs more fails alone, not the process. */
describe('mail parse pool under a heap bound', () => {
  const mails = useMailStore('parse-heap');
  const pools: MailParsePool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));
  const pool = (heapMb: number) => {
    const p = new MailParsePool({ threads: 1, dataDir: mails.dataDir, heapMb, log: createLogger('silent') });
    pools.push(p);
    return p;
  };
  const ordinary = () => mails.write(buildMail({ from: { address: 'zhang@example.cn' }, to: 'support@demo.local', subject: 'Washer leaks', text: 'The door seal leaks.' }));

  it('rejects the mail that exceeds it with MailParseOutOfMemoryError, then parses the next mail in a new thread', async () => {
    const p = pool(24);
    await expect(p.parse(ordinary())).resolves.toMatchObject({ mail: { subject: 'Washer leaks' } });
    const hungry = mails.write(HOSTILE_MAILS[1].raw(10));
    await expect(p.parse(hungry)).rejects.toBeInstanceOf(MailParseOutOfMemoryError);
    await expect(p.parse(ordinary())).resolves.toMatchObject({ mail: { subject: 'Washer leaks' } });
  }, 60_000);
});
