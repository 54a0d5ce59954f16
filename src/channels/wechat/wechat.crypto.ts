import crypto from 'node:crypto';
import { sameSecret } from '../../infra/secrets';

/**
 * The WeChat Official Account message security (WXBizMsgCrypt): the URL signature every request
 * carries, and "safe mode" (安全模式) — AES-256-CBC under the 43-character EncodingAESKey, PKCS#7
 * padded to 32 bytes, the plaintext framed as 16 random bytes, a 4-byte big-endian length, the
 * message and the AppID; `msg_signature` covers token, timestamp, nonce and the ciphertext.
 */

/** sha1 of the sorted parts, concatenated: `signature` over (token, timestamp, nonce), `msg_signature` adds Encrypt. */
export function wechatSignature(...parts: string[]): string {
  return crypto.createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Constant-time comparison of two hex signatures (hex case ignored; a wrong length is simply unequal). */
export function sameSignature(given: string, expected: string): boolean {
  return sameSecret(given.toLowerCase(), expected.toLowerCase());
}

export class WechatCryptoError extends Error {
  constructor(
    readonly reason: 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'wrong_appid',
    message: string,
  ) {
    super(message);
  }
}

const BLOCK = 32;

export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appId: string,
  ) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('bad_key', 'The EncodingAESKey must be 43 characters');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (this.key.length !== 32) throw new WechatCryptoError('bad_key', 'The EncodingAESKey does not decode to 32 bytes');
    this.iv = this.key.subarray(0, 16);
  }

  /** The ciphertext (base64) of a reply; `random` only for tests that replay WeChat's samples. */
  encrypt(message: string, random: Buffer = crypto.randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const cipher = crypto.createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** The XML inside an `Encrypt` element; throws WechatCryptoError when it is not for this AppID. */
  decrypt(encrypted: string): string {
    const data = Buffer.from(encrypted, 'base64');
    if (!data.length || data.length % 16 !== 0) throw new WechatCryptoError('bad_ciphertext', 'The ciphertext is not whole AES blocks');
    const decipher = crypto.createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WechatCryptoError('bad_ciphertext', 'The ciphertext does not decrypt');
    }
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('bad_padding', 'Bad PKCS#7 padding');
    const unpadded = plain.subarray(0, plain.length - pad);
    if (unpadded.length < 20) throw new WechatCryptoError('bad_length', 'The plaintext is too short');
    const length = unpadded.readUInt32BE(16);
    if (20 + length > unpadded.length) throw new WechatCryptoError('bad_length', 'The message length exceeds the plaintext');
    const message = unpadded.subarray(20, 20 + length).toString('utf8');
    const appId = unpadded.subarray(20 + length).toString('utf8');
    if (!sameSecret(appId, this.appId)) throw new WechatCryptoError('wrong_appid', 'The message is for another AppID');
    return message;
  }
}
