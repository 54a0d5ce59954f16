import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

export interface PostResult {
  status: number | null;
  latencyMs: number;
  error: string | null;
  /** the start of the response body, for the delivery log */
  response: string | null;
}

export interface TransportOptions {
  /** WEBHOOK_ALLOW_PRIVATE: loopback and private addresses allowed */
  allowPrivate: boolean;
  timeoutMs: number;
  /** bytes of response read at most; the rest is not waited for */
  maxResponseBytes?: number;
}

const LOG_BYTES = 1024;

/**
 * One POST to a webhook target, safe against server-side request forgery: the address checked is
 * the one the socket connects to, after DNS (request-filtering-agent refuses loopback, private,
 * link-local, unique-local, IPv4-mapped and other non-unicast addresses unless allowed), so a DNS
 * answer that changes after the check cannot point it inwards. Redirects are not followed (a 3xx
 * is a failure), the whole exchange has one timeout, and at most a few KB of the answer are read.
 */
export function postJson(url: string, body: string, headers: Record<string, string>, o: TransportOptions): Promise<PostResult> {
  const started = Date.now();
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const agentOpts = { allowPrivateIPAddress: o.allowPrivate, allowMetaIPAddress: false, keepAlive: false };
  const agent = secure ? new RequestFilteringHttpsAgent(agentOpts) : new RequestFilteringHttpAgent(agentOpts);
  const max = o.maxResponseBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<PostResult, 'latencyMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      agent.destroy();
      resolve({ ...r, latencyMs: Date.now() - started });
    };
    const req = (secure ? https : http).request(
      u,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'Aftercare-Webhooks/1', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const end = () => {
          const status = res.statusCode ?? null;
          const text = Buffer.concat(chunks).subarray(0, LOG_BYTES).toString('utf8');
          const ok = status !== null && status >= 200 && status < 300;
          const redirect = status !== null && status >= 300 && status < 400;
          finish({ status, error: ok ? null : redirect ? `redirect to ${String(res.headers.location ?? '').slice(0, 200)} not followed` : `HTTP ${status}`, response: text || null });
        };
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= max) chunks.push(c);
          else {
            res.destroy();
            end();
          }
        });
        res.on('end', end);
        res.on('error', (err) => finish({ status: res.statusCode ?? null, error: err.message, response: null }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    req.on('error', (err) => finish({ status: null, error: err.message.slice(0, 300), response: null }));
    req.end(body);
  });
}
