/**
 * Pathological mails: each mail of tests/fixtures/mail/hostile.ts (built to make a parser's cost
 * grow faster than its size) parsed as the intake parses it (mailparser with our decoders, quote
 * trimming, sanitising), at its base size and at ten times that. Prints the CPU time of each in
 * this thread (best of three), the ratio (linear ≈ 10), and the wall time through the parse pool
 * together with the longest event-loop stall of this process meanwhile. Needs no stores.
 *   npx tsx bench/pathological-mail.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MailParsePool } from '../src/channels/email/parse-pool';
import { parseTask } from '../src/channels/email/parse-task';
import { createLogger } from '../src/logger';
import { HOSTILE_MAILS } from '../tests/fixtures/mail/hostile';
import { loadAverage } from './lib/harness';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-pathological-'));
  const pool = new MailParsePool({ threads: 2, dataDir, log: createLogger('silent') });
  const file = (name: string, raw: string) => {
    const f = path.join(dataDir, name);
    fs.writeFileSync(f, raw);
    return f;
  };
  const cpu = async (f: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = process.cpuUsage();
      await parseTask({ file: f, dataDir });
      const d = process.cpuUsage(start);
      best = Math.min(best, (d.user + d.system) / 1000);
    }
    return best;
  };
  console.log(`pathological mails (load average ${loadAverage()}), CPU ms in this thread best of 3; pool: wall ms, max event-loop stall meanwhile`);
  await pool.parse(file('warm.eml', HOSTILE_MAILS[0].raw(1)));
  for (const h of HOSTILE_MAILS) {
    const small = file('small.eml', h.raw(1));
    const big = file('big.eml', h.raw(10));
    const kb = Math.round(fs.statSync(small).size / 1024);
    const once = await cpu(small);
    const tenfold = await cpu(big);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const t = Date.now();
    await pool.parse(big);
    const wall = Date.now() - t;
    delay.disable();
    console.log(`  ${h.name} (${kb} KB): ${once.toFixed(1)} ms, x10 ${tenfold.toFixed(1)} ms (ratio ${(tenfold / once).toFixed(1)}); x10 in the pool ${wall} ms, stall ${(delay.max / 1e6).toFixed(1)} ms   [main: ${h.was}]`);
  }
  await pool.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
