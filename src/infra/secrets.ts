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
