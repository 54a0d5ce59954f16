import crypto from 'node:crypto';

/**
 * The one comparison of a secret (or of a MAC made with one) with what a client sent: in constant
 * time whatever the lengths, since both sides are hashed first.
 */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

const VERSION = 'v1';

/**
 * Secrets kept in MongoDB (mailbox passwords, WeChat AppSecrets and AES keys) are sealed with
 * AES-256-GCM under SECRETS_KEY: a database dump alone does not give them away, and a tampered
 * value fails to open instead of decrypting to garbage. Format: `v1:<iv>:<tag>:<ciphertext>`, base64.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
  }

  seal(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}
