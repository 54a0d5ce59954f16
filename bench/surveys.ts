/**
 * Satisfaction surveys end to end: N email tickets are solved at once (SURVEY_DELAY=PT1S); prints
 * how long until every survey mail reached a local SMTP sink (offer job + mail-out worker + SMTP),
 * then opens and submits every survey over HTTP (concurrency C; a third score low, which opens a
 * low_rating callback) and prints page and submit latency p50 / p99 / max, and the time until every
 * answer's consequences (timeline event, callback, escalation) were handled by the workers.
 * Own stores (mongo-java-server, Redis) on 127.0.0.1.
 *   npx tsx bench/surveys.ts            (N=300 C=20 to change)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { runBench, startBenchApp, summary } from './lib/harness';

const N = Number(process.env.N ?? 300);
const C = Number(process.env.C ?? 20);
const fmt = (a: number[]) => {
  const s = summary(a);
  return `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;
};

function request(url: string, method: string, body?: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

async function main() {
  const hardStop = setTimeout(() => {
    console.error('bench took too long; stopping');
    process.exit(1);
  }, 150_000);
  const tokens: string[] = [];
  let mailed = 0;
  let lastMailAt = 0;
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, done) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        const m = /\/survey\/([\w-]+\.[\w-]+)/.exec(raw.replace(/=\r?\n/g, ''));
        if (m) {
          tokens.push(m[1]);
          mailed++;
          lastMailAt = performance.now();
        }
        done();
      });
    },
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const smtpPort = (sink.server.address() as AddressInfo).port;

  const app = await startBenchApp({ name: 'surveys', env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, SURVEY_DELAY: 'PT1S', FOLLOWUP_DELAY: 'P3D' } });
  const { c, server } = app;
  try {
    const agent = await c.models.Agent.findOne({ email: 'agent1@demo.local' });
    const numbers: number[] = [];
    for (let i = 0; i < N; i++) {
      const { ticket } = await c.tickets.create(
        { channel: 'email', subject: `Bench ${i}`, team: 'support', customer: { name: `Bench ${i}`, email: `bench${i}@example.com` }, assigneeId: String(agent!._id), message: { body: 'broken', channel: 'email', author: { type: 'customer', name: `Bench ${i}` } } },
        { type: 'customer', name: `Bench ${i}` },
      );
      numbers.push(ticket.number);
    }
    const t0 = performance.now();
    for (const n of numbers) await c.updates.update(n, { status: 'solved' }, null);
    const solvedMs = performance.now() - t0;
    while (mailed < N && performance.now() - t0 < 90_000) await new Promise((r) => setTimeout(r, 50));
    console.log(`solved ${N} tickets in ${solvedMs.toFixed(0)} ms (observer: survey row + delayed job each)`);
    console.log(`survey mails at the SMTP sink: ${mailed}/${N}, last ${(lastMailAt - t0).toFixed(0)} ms after the first solve (SURVEY_DELAY 1000 ms included)`);

    const pages: number[] = [];
    const submits: number[] = [];
    let bad = 0;
    await pool(tokens.map((t, i) => ({ t, i })), C, async ({ t, i }) => {
      const g = await request(`${server.url}/survey/${t}`, 'GET');
      pages.push(g.ms);
      const p = await request(`${server.url}/survey/${t}`, 'POST', `score=${i % 3 === 0 ? 2 : 5}&comment=bench`);
      submits.push(p.ms);
      if (g.status !== 200 || p.status !== 200) bad++;
    });
    const t1 = performance.now();
    const handled = async () => c.conn.collection('surveys').countDocuments({ status: 'answered', handledAt: { $ne: null } });
    while ((await handled()) < tokens.length && performance.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 100));
    console.log(`GET /survey/:token (concurrency ${C}): ${fmt(pages)}`);
    console.log(`POST /survey/:token (concurrency ${C}): ${fmt(submits)}; non-200: ${bad}`);
    console.log(`answers handled by workers: ${await handled()}/${tokens.length}, all within ${(performance.now() - t1).toFixed(0)} ms of the last submit; low_rating callbacks: ${await c.conn.collection('callbacks').countDocuments({ kind: 'low_rating' })}`);
  } finally {
    await app.close();
    await new Promise<void>((r) => sink.close(() => r()));
    clearTimeout(hardStop);
  }
}

runBench(main);
