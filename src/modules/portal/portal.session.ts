import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { RedisClient } from '../../infra/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { redisLimiter, take } from '../../infra/rate-limit';
import { sameSecret } from '../../infra/secrets';
import type { Clock } from '../../infra/clock';

export const MAGIC_LINK_TTL_SEC = 15 * 60;
export const PORTAL_SESSION_TTL_SEC = 7 * 24 * 3600;
export const COOKIE = 'ac_portal';
/** sign-in links one address may ask for per window, and one client address (IP) */
export const LINKS_PER_EMAIL = 5;
export const LINKS_PER_IP = 20;
const LIMIT_WINDOW_SEC = 15 * 60;

export interface PortalSession {
  customerId: string;
  /** sha256 of the cookie's token: the Redis key, and what the CSRF token is bound to */
  hash: string;
  csrf: string;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/**
 * Passwordless sign-in of customers. A sign-in link holds a random one-time token kept hashed in
 * Redis for 15 minutes and consumed with one GETDEL (two clicks at once: one session). A session is
 * a random token in an HttpOnly, SameSite=Lax cookie (Secure over https), kept hashed in Redis
 * with a sliding week, revoked by deleting its key. Every form post carries a CSRF token bound to
 * the session (HMAC of its hash), beside SameSite.
 */
export class PortalSessions {
  private readonly perEmail: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;
  private readonly csrfKey: Buffer;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    secret: string,
    private readonly secure: boolean,
    private readonly clock: Clock,
  ) {
    this.perEmail = redisLimiter(redis, prefix, 'portal-link-email', LINKS_PER_EMAIL, LIMIT_WINDOW_SEC);
    this.perIp = redisLimiter(redis, prefix, 'portal-link-ip', LINKS_PER_IP, LIMIT_WINDOW_SEC);
    this.csrfKey = crypto.createHmac('sha256', secret).update('aftercare:portal-csrf:v1').digest();
  }

  /** Pays for one sign-in link request: per client address first, then per email address (429 beyond). */
  async payForLink(email: string, ip: string): Promise<void> {
    await take(this.perIp, ip, 'Too many sign-in links asked for from this address; try again later');
    await take(this.perEmail, email, 'Too many sign-in links asked for this email address; try again later');
  }

  async issueMagic(customerId: string): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    // the expiry is in the value, read against the clock; Redis's own expiry only cleans up
    const expires = this.clock.now().getTime() + MAGIC_LINK_TTL_SEC * 1000;
    await this.redis.set(this.magicKey(token), `${customerId}|${expires}`, 'EX', MAGIC_LINK_TTL_SEC + 60);
    return token;
  }

  /** Whether a sign-in token is still good, without using it (the confirmation page). */
  async magicValid(token: string): Promise<boolean> {
    return !!this.live(await this.redis.get(this.magicKey(token)));
  }

  private live(value: string | null): string | null {
    const [customerId, expires] = (value ?? '').split('|');
    return customerId && Number(expires) > this.clock.now().getTime() ? customerId : null;
  }

  /** Uses a sign-in token once (atomic GETDEL) and opens a session: the new cookie token, or null. */
  async consumeMagic(token: string): Promise<{ token: string; customerId: string } | null> {
    const customerId = this.live(await this.redis.getdel(this.magicKey(token)));
    if (!customerId) return null;
    const session = crypto.randomBytes(32).toString('base64url');
    await this.redis.set(this.sessionKey(sha256(session)), customerId, 'EX', PORTAL_SESSION_TTL_SEC);
    return { token: session, customerId };
  }

  /** The session of a request's cookie, or null (sliding expiry). */
  async of(req: Request): Promise<PortalSession | null> {
    const token = cookieOf(req, COOKIE);
    if (!token || token.length > 128) return null;
    const hash = sha256(token);
    const customerId = await this.redis.get(this.sessionKey(hash));
    if (!customerId) return null;
    void this.redis.expire(this.sessionKey(hash), PORTAL_SESSION_TTL_SEC);
    return { customerId, hash, csrf: this.csrfOf(hash) };
  }

  checkCsrf(session: PortalSession, given: unknown): boolean {
    return typeof given === 'string' && given.length < 200 && sameSecret(given, session.csrf);
  }

  async revoke(session: PortalSession): Promise<void> {
    await this.redis.del(this.sessionKey(session.hash));
  }

  setCookie(res: Response, token: string): void {
    res.cookie(COOKIE, token, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/', maxAge: PORTAL_SESSION_TTL_SEC * 1000 });
  }

  clearCookie(res: Response): void {
    res.clearCookie(COOKIE, { httpOnly: true, secure: this.secure, sameSite: 'lax', path: '/' });
  }

  private csrfOf(hash: string): string {
    return crypto.createHmac('sha256', this.csrfKey).update(hash).digest('base64url');
  }

  private magicKey(token: string): string {
    return `${this.prefix}:portal-magic:${sha256(token)}`;
  }

  private sessionKey(hash: string): string {
    return `${this.prefix}:portal-session:${hash}`;
  }
}

/** One cookie of the request (no cookie-parser needed for one name). */
export function cookieOf(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
