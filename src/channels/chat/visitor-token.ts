import crypto from 'node:crypto';
import type { Clock } from '../../infra/clock';
import { sameSecret } from '../../infra/secrets';

const PREFIX = 'v2';

/**
 * A visitor's identity in the widget: a random id and the time it was issued, signed with the
 * session secret, so nobody can resume another visitor's chat by guessing. A token lives
 * `ttlMs` (VISITOR_TOKEN_TTL) from its issue and is renewed on use: every connection gets a fresh
 * one in `session`, so a visitor who comes back keeps their chat and a stolen, unused token dies.
 * The token holds no chat state: which ticket is the visitor's current chat is looked up on the server.
 */
export class VisitorTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  issue(): { visitorId: string; token: string } {
    const visitorId = crypto.randomBytes(16).toString('base64url');
    return { visitorId, token: this.tokenFor(visitorId) };
  }

  /** A fresh token for a known visitor (the renewal on every connection). */
  tokenFor(visitorId: string): string {
    const issued = Math.floor(this.clock.now().getTime() / 1000).toString(36);
    return `${PREFIX}.${visitorId}.${issued}.${this.sign(visitorId, issued)}`;
  }

  /** The visitor id, or null for anything not signed by us, or expired. */
  verify(token: string | undefined | null): string | null {
    if (!token) return null;
    const [prefix, id, issued, sig, ...rest] = token.split('.');
    if (prefix !== PREFIX || rest.length || !id || !sig || !/^[A-Za-z0-9_-]{16,64}$/.test(id) || !/^[0-9a-z]{1,10}$/.test(issued ?? '')) return null;
    if (!sameSecret(sig, this.sign(id, issued))) return null;
    const age = this.clock.now().getTime() - parseInt(issued, 36) * 1000;
    return age >= -60_000 && age <= this.ttlMs ? id : null;
  }

  private sign(visitorId: string, issued: string): string {
    return crypto.createHmac('sha256', this.secret).update(`chat-visitor:${visitorId}:${issued}`).digest('base64url');
  }
}
