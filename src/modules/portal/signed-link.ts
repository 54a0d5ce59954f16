import crypto from 'node:crypto';
import { sameSecret } from '../../infra/secrets';

export type LinkCheck<T> = { ok: true; data: T } | { ok: false; reason: 'invalid' | 'expired' };

const MAX_TOKEN = 512;
const OBJECT_ID = /^[a-f0-9]{24}$/;

/**
 * Signed links of one purpose: `base64url(JSON).base64url(HMAC-SHA256)`, with a key of their own
 * per purpose (derived from SESSION_SECRET), so a status link can never pass as a booking link or
 * a survey link. The payload names ids only (never an address or a name): a forwarded link tells
 * nothing about the customer but what its page shows.
 */
export class LinkSigner<T extends Record<string, string | number>> {
  private readonly key: Buffer;

  constructor(
    secret: string,
    purpose: string,
    /** which fields are ids (checked as ObjectIds when read back) */
    private readonly idFields: readonly (keyof T & string)[],
  ) {
    this.key = crypto.createHmac('sha256', secret).update(`aftercare:${purpose}-link:v1`).digest();
  }

  sign(data: T): string {
    const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** Checks the signature, the ids and an `e` (expiry, unix seconds) if the payload carries one. */
  verify(token: unknown, now: Date): LinkCheck<T> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN) return { ok: false, reason: 'invalid' };
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return { ok: false, reason: 'invalid' };
    if (!sameSecret(mac, this.mac(payload))) return { ok: false, reason: 'invalid' };
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (!data || typeof data !== 'object') return { ok: false, reason: 'invalid' };
    for (const f of this.idFields) if (typeof data[f] !== 'string' || !OBJECT_ID.test(data[f] as string)) return { ok: false, reason: 'invalid' };
    if (data.e !== undefined && (typeof data.e !== 'number' || data.e * 1000 <= now.getTime())) return { ok: false, reason: 'expired' };
    return { ok: true, data: data as T };
  }

  private mac(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** The status link of a ticket: the ticket's id only; its expiry is derived from the ticket when read. */
export type StatusLink = { t: string };
/** A booking link of a maintenance reminder: the unit, the reminder, and until when. */
export type BookingLink = { u: string; r: string; e: number };

export const statusLinks = (secret: string) => new LinkSigner<StatusLink>(secret, 'status', ['t']);
export const bookingLinks = (secret: string) => new LinkSigner<BookingLink>(secret, 'booking', ['u']);

/** The URL of a ticket's status page (what every mail to the customer carries). */
export function statusUrl(publicUrl: string, secret: string, ticketId: string, locale?: string): string {
  const token = statusLinks(secret).sign({ t: ticketId });
  return `${publicUrl.replace(/\/$/, '')}/status/${token}${locale ? `?lang=${encodeURIComponent(locale)}` : ''}`;
}
