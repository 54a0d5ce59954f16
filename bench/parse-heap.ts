/**
 * How much V8 heap a mail-parse thread needs (issue #23: bound the workers' memory). For each shape
 * of mail at the largest size the intake accepts (MAIL_MAX_BYTES, 25 MB: a plain-text body, an HTML
 * body, one big attachment, 50 attachments) and for the hostile mails at ten times their base size,
 * the smallest old-generation bound (`resourceLimits.maxOldGenerationSizeMb`, ParsePoolOptions.heapMb)
 * under which a parse thread still parses it, found by bisection between 24 MB (below ~20 MB a thread
 * does not start: its code does not fit) and 512 MB. A bound below
 * it stops that thread and rejects that mail (MailParseOutOfMemoryError); MAIL_PARSE_HEAP_MB must sit
 * above the largest figure with room. Needs no stores.
 *   npx tsx bench/parse-heap.ts        (MB=25: the size of the big mails)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailParseOutOfMemoryError, MailParsePool } from '../src/channels/email/parse-pool';
import { createLogger } from '../src/logger';
import { buildMail } from '../tests/fixtures/mail/build';
import { HOSTILE_MAILS } from '../tests/fixtures/mail/hostile';
import { loadAverage, runBench } from './lib/harness';

const MB = Number(process.env.MB ?? 25);

/** The big mails: each just under MB megabytes on the wire. */
function bigMails(): { name: string; raw: string }[] {
  const bytes = MB * 1024 * 1024 - 64 * 1024;
  const from = { address: 'big@example.com' };
  const line = 'The drum stops after ten minutes and shows E4 on the panel; the door seal leaks. ';
  const text = line.repeat(Math.floor((bytes * 0.72) / line.length)); // the builder base64-encodes it
  const html = `<div>${'<p>洗衣机 <b>E4</b> <a href="https://x.example/">manual</a></p>'.repeat(Math.floor(bytes / 90))}</div>`;
  // base64 grows 4/3 and the builder wraps it at 76 characters
  const blob = crypto.randomBytes(Math.floor((bytes * 3) / 4 / 1.03));
  const parts = Array.from({ length: 50 }, (_, i) => ({ filename: `photo-${i}.jpg`, content: blob.subarray(0, Math.floor(blob.length / 50)), contentType: 'image/jpeg' }));
  return [
    { name: `plain text ${MB} MB`, raw: buildMail({ from, to: 'support@demo.local', subject: 'text', text }) },
    { name: `HTML ${MB} MB`, raw: buildMail({ from, to: 'support@demo.local', subject: 'html', html }) },
    { name: `one attachment, ${MB} MB`, raw: buildMail({ from, to: 'support@demo.local', subject: 'pdf', text: 'see the file', attachments: [{ filename: 'scan.pdf', content: blob, contentType: 'application/pdf' }] }) },
    { name: `50 attachments, ${MB} MB`, raw: buildMail({ from, to: 'support@demo.local', subject: 'photos', text: 'photos', attachments: parts }) },
  ];
}

async function parsesWithin(file: string, dataDir: string, heapMb: number): Promise<boolean> {
  const pool = new MailParsePool({ threads: 1, dataDir, heapMb, timeoutMs: 300_000, log: createLogger('silent') });
  try {
    await pool.parse(file);
    return true;
  } catch (err) {
    if (err instanceof MailParseOutOfMemoryError) return false;
    throw err;
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const alive = setInterval(() => undefined, 1000); // a thread that fails to start leaves no handle open
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-bench-parse-heap-'));
  console.log(`the smallest parse-thread heap (maxOldGenerationSizeMb) that parses each mail (load ${loadAverage()})`);
  const mails = [...bigMails(), ...HOSTILE_MAILS.map((h) => ({ name: `${h.name} ×10`, raw: h.raw(10) }))];
  let worst = 0;
  for (const m of mails) {
    const file = path.join(dataDir, 'mail.eml');
    fs.writeFileSync(file, m.raw);
    let [lo, hi] = [24, 512]; // lo fails (or is the floor), hi parses
    if (!(await parsesWithin(file, dataDir, hi))) throw new Error(`${m.name}: not parsed within ${hi} MB`);
    if (await parsesWithin(file, dataDir, lo)) hi = lo;
    while (hi - lo > 2) {
      const mid = Math.round((lo + hi) / 2);
      if (await parsesWithin(file, dataDir, mid)) hi = mid;
      else lo = mid;
    }
    worst = Math.max(worst, hi);
    console.log(`  ${m.name} (${(fs.statSync(file).size / 1048576).toFixed(1)} MB on the wire): parsed within ${hi} MB`);
  }
  console.log(`  the largest: ${worst} MB`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  clearInterval(alive);
}

runBench(main);
