import crypto from 'node:crypto';

/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256: a canonical request (method, path, query,
 * the content-type and host headers, the payload's SHA-256) hashed into a string to sign under a key
 * derived from the SecretKey, the UTC date and the service.
 */
export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  payload: string;
  timestamp: number;
  contentType?: string;
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: crypto.BinaryLike, s: string) => crypto.createHmac('sha256', key).update(s, 'utf8').digest();

export function tc3Authorization(i: Tc3Input): { authorization: string; signature: string; date: string } {
  const contentType = i.contentType ?? 'application/json; charset=utf-8';
  const canonical = ['POST', '/', '', `content-type:${contentType}\nhost:${i.host}\n`, 'content-type;host', sha256(i.payload)].join('\n');
  const date = new Date(i.timestamp * 1000).toISOString().slice(0, 10);
  const scope = `${date}/${i.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(i.timestamp), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${i.secretKey}`, date), i.service), 'tc3_request');
  const signature = crypto.createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return { authorization: `TC3-HMAC-SHA256 Credential=${i.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`, signature, date };
}
