import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  touser: string;
  msgtype: string;
  text?: { content: string };
  token: string;
}

/**
 * A local stand-in for api.weixin.qq.com speaking its wire format: `GET /cgi-bin/token`,
 * `POST /cgi-bin/message/custom/send`, `GET /cgi-bin/media/get`. Like WeChat, a new token makes the
 * previous one invalid (40001); an expired one answers 42001. Tests queue errcodes with `failNext`.
 */
export async function startFakeWechat(opts: { appId: string; secret: string }) {
  let n = 0;
  const valid = new Set<string>();
  const expired = new Set<string>();
  const sent: SentMessage[] = [];
  const failures: number[] = [];
  const media = new Map<string, { contentType: string; body: Buffer; filename: string }>();
  const state = { tokenRequests: 0 };

  const json = (res: http.ServerResponse, body: unknown) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const checkToken = (token: string | null): { errcode: number; errmsg: string } | null => {
    if (token && expired.has(token)) return { errcode: 42001, errmsg: 'access_token expired' };
    if (!token || !valid.has(token)) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    return null;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && url.pathname === '/cgi-bin/token') {
        state.tokenRequests++;
        if (url.searchParams.get('grant_type') !== 'client_credential') return json(res, { errcode: 40002, errmsg: 'invalid grant_type' });
        if (url.searchParams.get('appid') !== opts.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' });
        if (url.searchParams.get('secret') !== opts.secret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
        valid.clear(); // the newest token is the only valid one
        const token = `ACCESS_TOKEN_${++n}`;
        valid.add(token);
        return json(res, { access_token: token, expires_in: 7200 });
      }
      const token = url.searchParams.get('access_token');
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send') {
        const bad = checkToken(token);
        if (bad) return json(res, bad);
        const fail = failures.shift();
        if (fail) return json(res, { errcode: fail, errmsg: fail === 45015 ? 'response out of time limit or subscription is canceled' : fail === 45047 ? 'out of response count limit' : 'error' });
        let body: Omit<SentMessage, 'token'>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return json(res, { errcode: 47001, errmsg: 'data format error' });
        }
        sent.push({ ...body, token: token! });
        return json(res, { errcode: 0, errmsg: 'ok' });
      }
      if (req.method === 'GET' && url.pathname === '/cgi-bin/media/get') {
        const bad = checkToken(token);
        if (bad) return json(res, bad);
        const id = url.searchParams.get('media_id') ?? '';
        const m = media.get(id);
        if (!m) return json(res, { errcode: 40007, errmsg: 'invalid media_id' });
        // videos are answered with a download link, as WeChat does
        if (m.contentType.startsWith('video/')) return json(res, { video_url: `http://127.0.0.1:${port}/video/${encodeURIComponent(id)}` });
        res.writeHead(200, { 'Content-Type': m.contentType, 'Content-Length': String(m.body.length), 'Content-disposition': `attachment; filename="${m.filename}"` });
        return res.end(m.body);
      }
      const video = /^\/video\/(.+)$/.exec(url.pathname);
      const v = video ? media.get(decodeURIComponent(video[1])) : undefined;
      if (req.method === 'GET' && v) {
        res.writeHead(200, { 'Content-Type': v.contentType, 'Content-Length': String(v.body.length) });
        return res.end(v.body);
      }
      res.writeHead(404).end();
    });
  });
  let port = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    state,
    addMedia(id: string, contentType: string, body: Buffer, filename: string) {
      media.set(id, { contentType, body, filename });
    },
    failNext(...errcodes: number[]) {
      failures.push(...errcodes);
    },
    /** the current token now answers 42001, as when its 7200 s ran out early */
    expireTokens() {
      for (const t of valid) expired.add(t);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type FakeWechat = Awaited<ReturnType<typeof startFakeWechat>>;
