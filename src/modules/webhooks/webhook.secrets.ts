import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Signing secrets: `whsec_` and 24 random bytes in base64, the Standard Webhooks form, shown to
 * the admin once and kept encrypted (AES-256-GCM, a key derived from SESSION_SECRET).
 */
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(sessionSecret: string) {
    this.key = Buffer.from(crypto.hkdfSync('sha256', sessionSecret, 'aftercare', 'webhook-signing-secrets', 32));
  }

  generate(): string {
    return `whsec_${crypto.randomBytes(24).toString('base64')}`;
  }

  encrypt(secret: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
  }

  decrypt(enc: string): string {
    const [iv, tag, data] = enc.split('.').map((p) => Buffer.from(p, 'base64'));
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(data), d.final()]).toString('utf8');
  }
}

/**
 * The Standard Webhooks headers of one attempt: the message id, the time of sending, and one
 * `v1,<signature>` per valid secret (two while a rotation runs), separated by spaces.
 */
export function signedHeaders(msgId: string, body: string, secrets: string[], at: Date): Record<string, string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' '),
  };
}
