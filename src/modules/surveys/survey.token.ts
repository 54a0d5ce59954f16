import crypto from 'node:crypto';
import { sameSecret } from '../../infra/secrets';

export const SURVEY_TOKEN_TTL_MS = 28 * 24 * 3600 * 1000;

export type TokenCheck = { ok: true; surveyId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired'; surveyId?: string };

/**
 * Survey links: `base64url(JSON{s,e}).base64url(HMAC-SHA256)`. The link alone proves which survey
 * it is for and until when, so the page needs no login and nothing guessable is in the URL.
 */
export class SurveyTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    // a key of its own, so a survey token can never pass as any other signed value of the system
    this.key = crypto.createHmac('sha256', secret).update('aftercare:survey-token:v1').digest();
  }

  sign(surveyId: string, expiresAt: Date): string {
    const payload = Buffer.from(JSON.stringify({ s: surveyId, e: Math.floor(expiresAt.getTime() / 1000) })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  verify(token: string, now: Date): TokenCheck {
    if (typeof token !== 'string' || token.length > 512) return { ok: false, reason: 'invalid' };
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return { ok: false, reason: 'invalid' };
    if (!sameSecret(mac, this.mac(payload))) return { ok: false, reason: 'invalid' };
    let data: { s?: unknown; e?: unknown };
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof data.s !== 'string' || !/^[a-f0-9]{24}$/.test(data.s) || typeof data.e !== 'number') return { ok: false, reason: 'invalid' };
    const expiresAt = new Date(data.e * 1000);
    if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', surveyId: data.s };
    return { ok: true, surveyId: data.s, expiresAt };
  }

  private mac(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
