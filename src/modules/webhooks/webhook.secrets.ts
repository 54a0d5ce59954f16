import crypto from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SecretBox } from '../../infra/secrets';

/**
 * Signing secrets: `whsec_` and 24 random bytes in base64, the Standard Webhooks form, shown to
 * the admin once and kept sealed like the other stored secrets (SecretBox: AES-256-GCM under SECRETS_KEY).
 */
export class WebhookSecrets {
  constructor(private readonly box: SecretBox) {}

  generate(): string {
    return `whsec_${crypto.randomBytes(24).toString('base64')}`;
  }

  encrypt(secret: string): string {
    return this.box.seal(secret);
  }

  decrypt(enc: string): string {
    return this.box.open(enc);
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
