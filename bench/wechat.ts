/**
 * WeChat pushes in a burst: PUSHES text messages (default 1 000, CONCURRENCY 20 at a time) from
 * CUSTOMERS openids (default 100), each sent twice as WeChat retries, through the signed webhook
 * in safe mode (AES). Prints the webhook's answer latency (WeChat gives up after 5 s: the target is
 * p99 well under it), the messages stored (each once), the tickets opened, and how long the worker
 * took to turn the burst into messages. Own stores (mongo-java-server, Redis) on 127.0.0.1.
 *   npx tsx bench/wechat.ts            (PUSHES=1000 CUSTOMERS=100 CONCURRENCY=20 to change)
 */
import crypto from 'node:crypto';
import { WechatCipher, wechatSignature } from '../src/channels/wechat/wechat.crypto';
import { deadline, loadAverage, runBench, startBenchApp, summary } from './lib/harness';

const PUSHES = Number(process.env.PUSHES ?? 1000);
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 100);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 20);
const TOKEN = 'benchToken';
const APPID = 'wxbench0000000001';
const AES_KEY = crypto.randomBytes(32).toString('base64').slice(0, 43).replace(/[+/]/g, 'A');

async function main(): Promise<void> {
  const cancelDeadline = deadline(150_000, 'bench did not finish within 2.5 minutes');
  const app = await startBenchApp({ name: 'wechat', env: { WECHAT_TOKEN: TOKEN, WECHAT_APPID: APPID, WECHAT_SECRET: 'bench-secret', WECHAT_AES_KEY: AES_KEY } });
  const { c, server } = app;
  const cipher = new WechatCipher(AES_KEY, APPID);
  try {
    const post = async (i: number) => {
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(4).toString('hex');
      const inner = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o_bench_${i % CUSTOMERS}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[空调不制冷 ${i}]]></Content><MsgId>${6_100_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
      const encrypt = cipher.encrypt(inner);
      const q = new URLSearchParams({ signature: wechatSignature(TOKEN, ts, nonce), timestamp: ts, nonce, encrypt_type: 'aes', msg_signature: wechatSignature(TOKEN, ts, nonce, encrypt) });
      const body = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
      const times: number[] = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/webhooks/wechat/default?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
        const text = await res.text();
        if (res.status !== 200 || text !== 'success') throw new Error(`push ${i}: ${res.status} ${text}`);
        times.push(performance.now() - t0);
      }
      return times;
    };
    const first: number[] = [];
    const retry: number[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < PUSHES; i = next++) {
          const [a, b] = await post(i);
          first.push(a);
          retry.push(b);
        }
      }),
    );
    const webhookMs = Date.now() - t0;
    let stored = 0;
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      stored = await c.models.Message.countDocuments({ channel: 'wechat', kind: 'message' });
      if (stored >= PUSHES) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainedMs = Date.now() - t0;
    const tickets = await c.models.Ticket.countDocuments({ channel: 'wechat' });
    const line = (a: number[]) => {
      const s = summary(a.map((x) => Math.round(x * 10) / 10));
      return `p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms`;
    };
    console.log(`wechat: ${PUSHES} pushes from ${CUSTOMERS} customers, each twice, ${CONCURRENCY} at a time, safe mode; load ${loadAverage()}`);
    console.log(`  webhook answers: ${PUSHES * 2} in ${webhookMs} ms (${Math.round((PUSHES * 2 * 1000) / webhookMs)}/s)`);
    console.log(`  first delivery  ${line(first)}`);
    console.log(`  WeChat's retry  ${line(retry)}`);
    console.log(`  stored: ${stored} messages (expected ${PUSHES}, each once), ${tickets} tickets; all stored ${drainedMs} ms after the first push`);
  } finally {
    await app.close();
    cancelDeadline();
  }
}

runBench(main);
