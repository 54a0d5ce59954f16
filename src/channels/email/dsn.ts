import fs from 'node:fs';
import { messageIds, type ParsedMail } from './mail-parse';

/**
 * What a delivery status notification (RFC 3464: multipart/report; report-type=delivery-status)
 * says: for whom delivery failed, why, and which of our Message-IDs the returned headers carry.
 * Read in the parse worker from the raw file (its first 2 MB), only for multipart/report mail.
 */
export interface Dsn {
  /** a real DSN: report-type=delivery-status and a message/delivery-status part */
  deliveryStatus: boolean;
  /** Final-Recipient / Original-Recipient addresses */
  recipients: string[];
  /** the Action of the first recipient (failed, delayed, delivered, relayed, expanded) */
  action: string | null;
  status: string | null;
  diagnostic: string | null;
  /** Message-IDs in the returned headers, other than the report's own */
  messageIds: string[];
}

const MAX_READ = 2 * 1024 * 1024;

export async function readDsn(file: string, mail: ParsedMail): Promise<Dsn | null> {
  if (mail.contentType !== 'multipart/report') return null;
  const fh = await fs.promises.open(file, 'r');
  let raw: string;
  try {
    const buf = Buffer.alloc(Math.min((await fh.stat()).size, MAX_READ));
    await fh.read(buf, 0, buf.length, 0);
    raw = buf.toString('latin1');
  } finally {
    await fh.close();
  }
  const ct = mail.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  const reportType = (ct?.params?.['report-type'] ?? '').toLowerCase();
  const statusPart = /^content-type:[ \t]{0,20}message\/delivery-status/im.test(raw);
  const field = (name: string) => new RegExp(`^${name}[ \\t]{0,20}:[ \\t]{0,20}([^\\r\\n]{1,300})`, 'im').exec(raw)?.[1]?.trim() ?? null;
  const recipients = [...raw.matchAll(/^(?:final|original)-recipient[ \t]{0,20}:[ \t]{0,20}(?:rfc822[ \t]{0,5};)?[ \t]{0,20}<?([^\s<>;]{1,254}@[^\s<>;]{1,254})>?/gim)].map((m) => m[1].toLowerCase());
  const ids = [...raw.matchAll(/^(?:message-id|in-reply-to|references|x-original-message-id)[ \t]{0,20}:[ \t]{0,20}([^\r\n]{0,2000}(?:\r?\n[ \t][^\r\n]{0,2000}){0,50})/gim)].flatMap((m) => messageIds(m[1]));
  return {
    deliveryStatus: reportType === 'delivery-status' && statusPart,
    recipients: [...new Set(recipients)],
    action: field('action')?.toLowerCase() ?? null,
    status: field('status'),
    diagnostic: field('diagnostic-code'),
    messageIds: [...new Set(ids)].filter((id) => id !== mail.messageId),
  };
}
