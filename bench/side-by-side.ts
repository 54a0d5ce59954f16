/**
 * The same loads against Aftercare and another helpdesk's HTTP API, in alternating runs, with the
 * ratios Aftercare ÷ other (issue #23's comparison with osTicket, repeatable by any engineer):
 * - ticket creation: POST to each side's create path at each concurrency, a new customer each time;
 * - mail: small mails over SMTP connections into each side's intake, accepted per second.
 * Aftercare runs here on its own stores (like the other benches) unless --our-url is given.
 *
 *   npx tsx bench/side-by-side.ts --target-url http://127.0.0.1:8080 --create-path /api/tickets.json \
 *     --token KEY [--auth-header X-API-Key] [--body '{"name":"{name}","email":"{email}","subject":"{subject}","message":"{body}"}'] \
 *     [--target-smtp 127.0.0.1:25] [--concurrency 1,10,50] [--tickets 300] [--mails 1000] [--runs 3]
 *
 * `--body` is the other side's JSON with {name} {email} {subject} {body} {i} filled in per ticket
 * (the default is osTicket's API); `--auth-header` names its key header (default X-API-Key; use
 * Authorization with a token "Bearer …"). Without --target-smtp the mail load runs on Aftercare alone.
 */
import type { EmailModule } from '../src/channels/email/email.module';
import { deadline, loadAverage, login, runBench, spawnClient, startBenchApp, type BenchApp } from './lib/harness';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const TARGET_URL = arg('target-url');
const CREATE_PATH = arg('create-path', '/api/tickets.json')!;
const TOKEN = arg('token', '')!;
const AUTH_HEADER = arg('auth-header', 'X-API-Key')!;
const BODY = arg('body', '{"name":"{name}","email":"{email}","subject":"{subject}","message":"{body}","alert":false,"autorespond":false}')!;
const TARGET_SMTP = arg('target-smtp');
const CONCURRENCY = arg('concurrency', '1,10,50')!.split(',').map(Number);
const TICKETS = Number(arg('tickets', '300'));
const MAILS = Number(arg('mails', '1000'));
const RUNS = Number(arg('runs', '3'));

// The load generator, in a child process: `tickets` POSTs, `concurrency` at a time; answers the rate.
const CREATE = `
const { url, headers, body, tickets, concurrency, offset } = JSON.parse(process.env.BENCH);
let next = 0, ok = 0, failed = 0;
const fill = (i) => body.replace(/\\{(\\w+)\\}/g, (_, k) => ({ name: 'Caller ' + i, email: 'caller' + i + '@example.com', subject: 'Washer fault ' + i, body: 'The washer shows E' + (i % 30) + ' after the spin cycle.', i: String(i) })[k] ?? '');
(async () => {
  const start = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => { for (;;) { const i = next++; if (i >= tickets) return;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: fill(offset + i) }).catch(() => null);
    if (res) await res.arrayBuffer();
    if (res && res.status < 300) ok++; else { failed++; if (failed < 3) console.error('create failed', res && res.status); } } }));
  process.stdout.write(JSON.stringify({ ms: Date.now() - start, ok, failed }));
})();
`;

// Mails over a pool of SMTP connections; answers the accepted rate.
const MAIL = `
const nodemailer = require('nodemailer');
const { host, port, mails, connections, offset, to } = JSON.parse(process.env.BENCH);
const t = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true, pool: true, maxConnections: connections, maxMessages: Infinity });
(async () => {
  const start = Date.now(); let ok = 0, failed = 0;
  await Promise.all(Array.from({ length: mails }, (_, j) => { const i = offset + j;
    return t.sendMail({ envelope: { from: 'side' + i + '@example.com', to: [to] }, from: 'side' + i + '@example.com', to, subject: 'Washer fault ' + i, messageId: '<side-' + i + '@example.com>', text: 'The washer shows E' + (i % 30) + '.' })
      .then(() => ok++, () => failed++); }));
  t.close();
  process.stdout.write(JSON.stringify({ ms: Date.now() - start, ok, failed }));
})();
`;

type Figures = { ms: number; ok: number; failed: number };
const rate = (f: Figures) => f.ok / (f.ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!TARGET_URL) throw new Error('--target-url is required (the other helpdesk), see the comment at the top of bench/side-by-side.ts');
  const cancel = deadline(60 * 60_000, 'side-by-side did not finish within an hour', 1);
  let app: BenchApp | null = null;
  let ourUrl = arg('our-url');
  let ourSmtp: { host: string; port: number } | null = null;
  if (!ourUrl) {
    app = await startBenchApp({ name: 'sidebyside', logLevel: 'silent', env: { SMTP_MESSAGES_PER_IP_PER_HOUR: '1000000', SMTP_MAX_CONNECTIONS_PER_IP: '1000' } });
    ourUrl = app.server.url;
    ourSmtp = { host: '127.0.0.1', port: (app.c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort };
  }
  const ourToken = await login(ourUrl, 'agent1@demo.local');
  const sides = {
    aftercare: { url: `${ourUrl}/api/tickets`, headers: { authorization: `Bearer ${ourToken}` }, body: '{"channel":"email","subject":"{subject}","body":"{body}","customer":{"name":"{name}","email":"{email}"},"team":"support"}' },
    other: { url: `${TARGET_URL.replace(/\/$/, '')}${CREATE_PATH}`, headers: TOKEN ? { [AUTH_HEADER]: TOKEN } : {}, body: BODY },
  };
  let offset = Date.now() % 1_000_000;
  try {
    console.log(`side by side: aftercare ${ourUrl} vs ${TARGET_URL}; ${RUNS} alternating runs each; load ${loadAverage()}`);
    for (const concurrency of CONCURRENCY) {
      const got: Record<string, number[]> = { aftercare: [], other: [] };
      for (let run = 1; run <= RUNS; run++) {
        for (const [name, side] of Object.entries(sides)) {
          const f = await spawnClient<Figures>(CREATE, { ...side, tickets: TICKETS, concurrency, offset: (offset += TICKETS) }).result;
          got[name].push(rate(f));
          console.log(`  create c=${concurrency} run ${run} ${name}: ${rate(f).toFixed(1)} tickets/s (${f.ok} ok, ${f.failed} failed; load ${loadAverage()})`);
        }
      }
      console.log(`  create at concurrency ${concurrency}: aftercare median ${median(got.aftercare).toFixed(1)}/s, other ${median(got.other).toFixed(1)}/s, ratio ${(median(got.aftercare) / median(got.other)).toFixed(2)}×`);
    }
    if (ourSmtp) {
      const [host, port] = (TARGET_SMTP ?? '').split(':');
      const mailSides: Record<string, { host: string; port: number; to: string }> = { aftercare: { ...ourSmtp, to: 'support@demo.local' } };
      if (TARGET_SMTP) mailSides.other = { host, port: Number(port), to: arg('target-to', 'support@example.com')! };
      const got: Record<string, number[]> = { aftercare: [], other: [] };
      for (let run = 1; run <= RUNS; run++) {
        for (const [name, side] of Object.entries(mailSides)) {
          const f = await spawnClient<Figures>(MAIL, { ...side, mails: MAILS, connections: 50, offset: (offset += MAILS) }).result;
          got[name].push(rate(f));
          console.log(`  mail run ${run} ${name}: ${rate(f).toFixed(0)} mails/s accepted over 50 connections (${f.ok} ok, ${f.failed} failed; load ${loadAverage()})`);
        }
      }
      if (got.other.length) console.log(`  mail accepted: ratio ${(median(got.aftercare) / median(got.other)).toFixed(2)}×`);
    }
  } finally {
    cancel();
    await app?.close();
  }
}

runBench(main);
