import { performance } from 'node:perf_hooks';
import { createLogger } from '../../../../src/logger';
import { MailParsePool } from '../../../../src/channels/email/parse-pool';
import { parseTask } from '../../../../src/channels/email/parse-task';
import { buildMail } from '../../../fixtures/mail/build';
import { useMailStore } from '../../../fixtures/mail/parse';

/** The parse pool runs the parser in worker threads (started from jest too, whose transform threads do not get). */
describe('mail parse pool', () => {
  const mails = useMailStore('parse-pool');
  let pool: MailParsePool;
  beforeAll(() => {
    pool = new MailParsePool({ threads: 2, dataDir: mails.dataDir, log: createLogger('silent') });
  });
  afterAll(() => pool.close());

  it('gives what parsing in this thread gives: headers, texts, attachments in the store', async () => {
    const file = mails.write(buildMail({ charset: 'GBK', from: { name: '张伟', address: 'zhang@example.cn' }, to: 'support@demo.local', subject: '洗衣机漏水', messageId: '<pool-1@example.cn>', text: '还是漏水。\r\n\r\n在 2024年3月5日周二 10:00，售后服务中心 <support@demo.local> 写道：\r\n> 请重启。', attachments: [{ filename: '照片.pdf', content: Buffer.from('%PDF-1.4 photo'), contentType: 'application/pdf', filenameCharset: 'GBK' }] }));
    const inPool = await pool.parse(file);
    const inline = await parseTask({ file, dataDir: mails.dataDir });
    expect(inPool).toEqual(inline);
    expect(inPool.mail.subject).toBe('洗衣机漏水');
    expect(inPool.mail.headers.get('message-id')).toBe('<pool-1@example.cn>');
    expect(inPool.texts.body).toBe('还是漏水。');
    expect(inPool.mail.attachments).toEqual([expect.objectContaining({ filename: '照片.pdf', size: 14 })]);
  });

  it('keeps this thread\'s event loop free: parsing here keeps it busy, parsing in the pool does not', async () => {
    // HTML-only mails just under the sanitiser's cap: parsing, trimming and sanitising are all CPU
    const html = '<div><p>洗衣机 <b>E4</b> <a href="https://x.example/">manual</a></p></div>'.repeat(1300);
    const files = Array.from({ length: 6 }, (_, i) => mails.write(buildMail({ from: { address: `big${i}@example.com` }, to: 'support@demo.local', subject: `big ${i}`, html })));
    // the event loop's busy time (ms) while the mails are parsed: here all of the parsing, from the
    // pool only the hand-over of tasks and results
    const busy = async (parse: () => Promise<unknown>) => {
      const before = performance.eventLoopUtilization();
      await parse();
      return performance.eventLoopUtilization(before).active;
    };
    await Promise.all(files.slice(0, 2).map((file) => pool.parse(file))); // both threads started, code loaded
    const here = await busy(async () => {
      for (const file of files) await parseTask({ file, dataDir: mails.dataDir });
    });
    const pooled = await busy(() => Promise.all(files.map((file) => pool.parse(file))));
    expect(pooled).toBeLessThan(here / 3);
  });

  it('rejects a mail that cannot be read', async () => {
    await expect(pool.parse('/nonexistent/mail.eml')).rejects.toThrow(/ENOENT/);
  });
});
