import crypto from 'node:crypto';

const PREFIX = 'v1';

/**
 * A visitor's identity in the widget: a random id signed with the session secret, so nobody can
 * resume another visitor's chat by guessing. The token holds no chat state: which ticket is the
 * visitor's current chat is looked up on the server.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(): { visitorId: string; token: string } {
    const visitorId = crypto.randomBytes(16).toString('base64url');
    return { visitorId, token: `${PREFIX}.${visitorId}.${this.sign(visitorId)}` };
  }

  tokenFor(visitorId: string): string {
    return `${PREFIX}.${visitorId}.${this.sign(visitorId)}`;
  }

  /** The visitor id, or null for anything not signed by us. */
  verify(token: string | undefined | null): string | null {
    if (!token) return null;
    const [prefix, id, sig] = token.split('.');
    if (prefix !== PREFIX || !id || !sig || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(sig);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
  }

  private sign(visitorId: string): string {
    return crypto.createHmac('sha256', this.secret).update(`chat-visitor:${visitorId}`).digest('base64url');
  }
}
