import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RedisClient } from '../../infra/redis';

/** What WeChat answers instead of a result: `{errcode, errmsg}`. */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat API error ${errcode}: ${errmsg}`);
  }

  /** The access token was invalid (40001), expired (42001) or malformed (40014): refresh once and retry. */
  get tokenInvalid(): boolean {
    return this.errcode === 40001 || this.errcode === 42001 || this.errcode === 40014;
  }

  /** Worth retrying later (system busy, rate limited), unlike a refusal that stays a refusal. */
  get transient(): boolean {
    return this.errcode === -1 || this.errcode === 45009 || this.errcode === 45011;
  }
}

export const WINDOW_CLOSED = 45015; // 回复时间超过限制: outside the 48-hour window
export const WINDOW_LIMIT = 45047; // 客服接口下行条数超过上限: over the messages allowed in the window

export interface WechatCredentials {
  appId: string;
  secret: string;
}

const TIMEOUT_MS = 10_000;
/** Refresh this long before WeChat says the token expires, so no request carries a dying token. */
const EARLY_REFRESH_S = 300;
const LOCK_MS = 15_000;
const MAX_MEDIA_BYTES = 20 * 1024 * 1024;

/**
 * The access token of an account, cached in Redis for every process. Exactly one process refreshes
 * at a time (a Redis lock); the others wait for its result, since WeChat invalidates the previous
 * token whenever a new one is fetched and caps fetches per day.
 */
export class WechatTokens {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly base: string,
  ) {}

  private key(appId: string): string {
    return `${this.prefix}:wechat:token:${appId}`;
  }

  async get(cred: WechatCredentials): Promise<string> {
    const key = this.key(cred.appId);
    const deadline = Date.now() + LOCK_MS + 5000;
    for (;;) {
      const cached = await this.redis.get(key);
      if (cached) return cached;
      const owner = crypto.randomBytes(8).toString('hex');
      const locked = await this.redis.set(`${key}:lock`, owner, 'PX', LOCK_MS, 'NX');
      if (locked) {
        try {
          const again = await this.redis.get(key); // refreshed between our read and the lock
          if (again) return again;
          const { token, expiresIn } = await this.fetchToken(cred);
          await this.redis.set(key, token, 'EX', Math.max(60, expiresIn - EARLY_REFRESH_S));
          return token;
        } finally {
          await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, `${key}:lock`, owner);
        }
      }
      if (Date.now() > deadline) throw new Error('WeChat access token: another process holds the refresh lock too long');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Forgets `token` if it is still the cached one (another process may have refreshed already). */
  async invalidate(cred: WechatCredentials, token: string): Promise<void> {
    await this.redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, this.key(cred.appId), token);
  }

  private async fetchToken(cred: WechatCredentials): Promise<{ token: string; expiresIn: number }> {
    const url = `${this.base}/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(cred.appId)}&secret=${encodeURIComponent(cred.secret)}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await res.json()) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    if (!body.access_token) throw new WechatApiError(body.errcode ?? res.status, body.errmsg ?? 'no access_token');
    return { token: body.access_token, expiresIn: Number(body.expires_in ?? 7200) };
  }
}

export interface WechatMedia {
  contentType: string;
  filename: string | null;
  stream: Readable;
}

/** WeChat's server API: customer-service messages and media downloads, with one token refresh on 40001/42001. */
export class WechatApi {
  constructor(
    private readonly base: string,
    private readonly tokens: WechatTokens,
  ) {}

  /** A customer-service text message (客服消息) to an openid; throws WechatApiError with WeChat's errcode. */
  async sendText(cred: WechatCredentials, openId: string, content: string): Promise<void> {
    await this.withToken(cred, async (token) => {
      const res = await fetch(`${this.base}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ touser: openId, msgtype: 'text', text: { content } }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const body = (await res.json()) as { errcode?: number; errmsg?: string };
      if (body.errcode) throw new WechatApiError(body.errcode, body.errmsg ?? '');
      if (!res.ok) throw new WechatApiError(-1, `HTTP ${res.status}`);
    });
  }

  /** A temporary media file the customer sent (image, voice, video), streamed. */
  async getMedia(cred: WechatCredentials, mediaId: string): Promise<WechatMedia> {
    return this.withToken(cred, async (token) => {
      const res = await fetch(`${this.base}/cgi-bin/media/get?access_token=${encodeURIComponent(token)}&media_id=${encodeURIComponent(mediaId)}`, { signal: AbortSignal.timeout(60_000) });
      const type = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
      // errors come back as JSON (or text/plain holding JSON) with HTTP 200
      if (type === 'application/json' || type === 'text/plain') {
        const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string; video_url?: string };
        // a video comes as a link to download it from
        if (body.video_url && /^https?:\/\//.test(body.video_url)) return this.download(body.video_url);
        throw new WechatApiError(body.errcode ?? -1, body.errmsg ?? 'no media');
      }
      return this.stream(res);
    });
  }

  private async download(url: string): Promise<WechatMedia> {
    const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    return this.stream(res);
  }

  private stream(res: Response): WechatMedia {
    const type = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0].trim().toLowerCase();
    if (!res.ok || !res.body) throw new WechatApiError(-1, `HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_MEDIA_BYTES) throw new WechatApiError(-2, `media of ${declared} bytes is over the limit`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="?([^";]{1,200})"?/.exec(disposition)?.[1] ?? null;
    return { contentType: type, filename, stream: capped(Readable.fromWeb(res.body as unknown as WebReadableStream), MAX_MEDIA_BYTES) };
  }

  private async withToken<T>(cred: WechatCredentials, call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get(cred);
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !err.tokenInvalid) throw err;
      await this.tokens.invalidate(cred, token);
      return call(await this.tokens.get(cred));
    }
  }
}

function capped(source: Readable, max: number): Readable {
  return Readable.from(
    (async function* () {
      let seen = 0;
      for await (const c of source) {
        seen += (c as Buffer).length;
        if (seen > max) throw new WechatApiError(-2, `media over ${max} bytes`);
        yield c as Buffer;
      }
    })(),
  );
}
