/**
 * The hotline under a burst of missed calls: CALLS callers (default 300, CONCURRENCY 20 at a time)
 * each go through signed Twilio webhooks `incoming` (TwiML IVR) then `status` CallStatus=no-answer.
 * Prints the webhook latencies (p50 / p99 / max), the calls stored, the callback tasks created, and
 * the delay from the no-answer webhook to the `callback:due` socket event at an agent of the team.
 * Own stores (mongo-java-server, Redis) on 127.0.0.1; stops by itself.
 *   npx tsx bench/hotline.ts            (CALLS=300 CONCURRENCY=20 to change)
 */
import twilio from 'twilio';
import { agentSocket, deadline, runBench, startBenchApp, summary } from './lib/harness';

const CALLS = Number(process.env.CALLS ?? 300);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const PUBLIC_URL = 'https://hotline.bench.local';
const TOKEN = 'bench-twilio-token';

const line = (a: number[]) => {
  const s = summary(a);
  return `p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms`;
};

async function main(): Promise<void> {
  const cancelDeadline = deadline(120_000, 'bench did not finish within 2 minutes');
  const app = await startBenchApp({ name: 'hotline', env: { PUBLIC_URL, TWILIO_AUTH_TOKEN: TOKEN } });
  const { c, server } = app;
  try {
    const agent = await agentSocket(server.url, 'agent1@demo.local');
    const missedAt = new Map<string, number>();
    const dueLat: number[] = [];
    agent.on('callback:due', (p: { phone: string }) => {
      const t = missedAt.get(p.phone);
      if (t !== undefined) dueLat.push(Date.now() - t), missedAt.delete(p.phone);
    });

    const post = async (p: string, params: Record<string, string>) => {
      const t0 = Date.now();
      const res = await fetch(server.url + p, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, PUBLIC_URL + p, params) },
        body: new URLSearchParams(params).toString(),
      });
      await res.text();
      if (res.status >= 300) throw new Error(`${p}: ${res.status}`);
      return Date.now() - t0;
    };
    const incoming: number[] = [];
    const status: number[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < CALLS; i = next++) {
          const From = `+861390000${String(i).padStart(4, '0')}`;
          const params = { CallSid: `CAbench${i}`, From, To: '+18005550199' };
          incoming.push(await post('/webhooks/voice/twilio/incoming', { ...params, CallStatus: 'ringing' }));
          missedAt.set(From, Date.now());
          status.push(await post('/webhooks/voice/twilio/status', { ...params, CallStatus: 'no-answer', CallDuration: '0' }));
        }
      }),
    );
    const webhookMs = Date.now() - t0;
    const until = Date.now() + 30_000;
    while (missedAt.size && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    agent.disconnect();
    const calls = await c.conn.collection('calls').countDocuments({ status: 'missed' });
    const tasks = await c.conn.collection('callbacks').countDocuments({ kind: 'missed_call' });
    console.log(`hotline: ${CALLS} missed calls, ${CONCURRENCY} at a time, webhooks done in ${webhookMs} ms (${Math.round((CALLS * 2 * 1000) / webhookMs)} webhooks/s)`);
    console.log(`  stored: ${calls} missed calls, ${tasks} missed-call callback tasks; callback:due received for ${dueLat.length}`);
    console.log(`  incoming (TwiML IVR)   ${line(incoming)}`);
    console.log(`  status no-answer       ${line(status)}`);
    console.log(`  no-answer → callback:due  ${line(dueLat)}`);
  } finally {
    await app.close();
    cancelDeadline();
  }
}

runBench(main);
