import crypto from 'node:crypto';
import { SecretBox, sameSecret } from '../../../src/infra/secrets';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(crypto.randomBytes(32));

  it('seals so that the stored value reveals nothing and opens to the original', () => {
    const sealed = box.seal('邮箱密码 p@ss');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('p@ss');
    expect(box.seal('邮箱密码 p@ss')).not.toBe(sealed); // a fresh IV every time
    expect(box.open(sealed)).toBe('邮箱密码 p@ss');
  });

  it('refuses a tampered value and another key', () => {
    const [v, iv, tag, data] = box.seal('secret').split(':');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
    expect(() => new SecretBox(crypto.randomBytes(32)).open(box.seal('secret'))).toThrow();
    expect(() => box.open('plain text')).toThrow(/not a sealed secret/);
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow();
  });
});

describe('sameSecret', () => {
  it('is true only for the same secret, whatever the lengths given', () => {
    expect(sameSecret('webhook-secret-0123', 'webhook-secret-0123')).toBe(true);
    expect(sameSecret('webhook-secret-0124', 'webhook-secret-0123')).toBe(false);
    expect(sameSecret('short', 'webhook-secret-0123')).toBe(false);
    expect(sameSecret('', 'webhook-secret-0123')).toBe(false);
    expect(sameSecret(Buffer.from('验证码'), '验证码')).toBe(true);
  });
});
