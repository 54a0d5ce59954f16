import { parseStoredMail } from '../../../../src/channels/email/mail-parse';
import { mailTexts } from '../../../../src/channels/email/mail-text';
import { HOSTILE_MAILS } from '../../../fixtures/mail/hostile';
import { useMailStore } from '../../../fixtures/mail/parse';

/**
 * Mails crafted to make parsing cost grow faster than their size (the cases of issue #13: an 11 KB
 * HTML mail that held a worker 15 s, a 40 KB header that took 2.2 s). Each must be cheap, and ten
 * times the input must cost about ten times the CPU, not a hundred. CPU time of this process
 * (process.cpuUsage), not wall time, with loose bounds: the machine is shared.
 */
describe('hostile mails are parsed in linear time', () => {
  const mails = useMailStore('mail-hostile');

  /** CPU milliseconds to parse a raw mail and work out its texts (what the intake does), best of `runs`. */
  async function cpuMs(raw: string, runs: number): Promise<number> {
    const file = mails.write(raw);
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const start = process.cpuUsage();
      const mail = await parseStoredMail(file, mails.store);
      mailTexts(mail);
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return best;
  }

  it.each(HOSTILE_MAILS.map((h) => [h.name, h] as const))('%s', async (_name, hostile) => {
    await cpuMs(hostile.raw(1), 1); // warm-up: the first parse loads code
    const once = await cpuMs(hostile.raw(1), 3);
    expect(once).toBeLessThan(250);
    const tenfold = await cpuMs(hostile.raw(10), 2);
    // linear: about 10× (plus noise and a fixed cost per mail); quadratic would be ~100×
    expect(tenfold).toBeLessThan(30 * Math.max(once, 3));
    expect(tenfold).toBeLessThan(2500);
  });

  it('keeps what a long address header holds, within its cap', async () => {
    const raw = HOSTILE_MAILS.find((h) => h.name.startsWith('X-Original-To'))!.raw(1).replace('X-Original-To: ', 'X-Original-To: Ann <ann@example.com>, ');
    const mail = await mails.parse(raw);
    expect(mail.deliveredTo).toContain('ann@example.com');
  });
});
