import crypto from 'node:crypto';
import { sameSecret } from '../../infra/secrets';

/**
 * The customer's quote link: `base64url(quoteId).base64url(HMAC-SHA256)` under a key of its own,
 * so the link proves which quote it is for and can pass as no other signed value of the system.
 * Validity is the quote's own (`validUntil`, read from the store), not the token's.
 */
export class QuoteTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = crypto.createHmac('sha256', secret).update('aftercare:quote-token:v1').digest();
  }

  sign(quoteId: string): string {
    const payload = Buffer.from(quoteId, 'hex').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The quote id of a genuine token, else null. */
  verify(token: string): string | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || !sameSecret(mac, this.mac(payload))) return null;
    const id = Buffer.from(payload, 'base64url').toString('hex');
    return /^[a-f0-9]{24}$/.test(id) ? id : null;
  }

  private mac(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
