import crypto from 'node:crypto';
import fs from 'node:fs';
import { MailParser } from 'mailparser';
import type { AddressObject, AttachmentStream, HeaderValue, Headers, MessageText, StructuredHeader } from 'mailparser';
import { charsetContext } from './mail-charset';
import { installMailDecoders } from './mail-decode';
import type { MailStore } from './mail-store';

/** Text beyond these sizes is dropped: an agent cannot read it and it must not fill a document. */
export const MAX_TEXT_CHARS = 200_000;
export const MAX_HTML_CHARS = 500_000;
const MAX_ATTACHMENTS = 50;
const MAX_REFERENCES = 50;
const MAX_ADDRESS_HEADER_CHARS = 16 * 1024;
const MAX_ADDRESSES = 100;

// Decoded bytes kept of a shown text part: room for MAX_HTML_CHARS characters in any charset.
installMailDecoders(4 * MAX_HTML_CHARS);
const CHARSET_SAMPLE_BYTES = 64 * 1024;

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  hash: string;
  inline: boolean;
  cid?: string;
}

export interface ParsedMail {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: { name: string; address: string } | null;
  to: string[];
  /** addresses a forwarded mail was delivered to (Delivered-To, X-Original-To, To, Cc) */
  deliveredTo: string[];
  text: string;
  html: string | null;
  attachments: ParsedAttachment[];
  headers: Headers;
  contentType: string;
}

function str(v: HeaderValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.length ? str(v[0] as HeaderValue) : '';
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && 'value' in v && typeof (v as StructuredHeader).value === 'string') return (v as StructuredHeader).value;
  if (typeof v === 'object' && 'text' in v) return (v as AddressObject).text;
  return '';
}

export function headerText(headers: Headers, name: string): string {
  return str(headers.get(name)).trim();
}

function addresses(v: HeaderValue | undefined): string[] {
  if (!v) return [];
  const list = (Array.isArray(v) ? v : [v]) as unknown[];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      out.push(...addressesIn(item));
    } else if (item && typeof item === 'object' && 'value' in item && Array.isArray((item as AddressObject).value)) {
      for (const a of (item as AddressObject).value) {
        if (a.address) out.push(a.address.toLowerCase());
        for (const g of a.group ?? []) if (g.address) out.push(g.address.toLowerCase());
      }
    }
  }
  return out;
}

/**
 * The addresses in a header the parser left as text (X-Original-To, Delivered-To): the tokens
 * between separators that hold an '@' inside them. A split, not a search: a search for
 * `[^\s<>,;"]+@…` backtracks over every start position of a long run without '@' (a 40 KB value
 * took 2.2 s).
 */
export function addressesIn(value: string): string[] {
  const out: string[] = [];
  for (const token of value.slice(0, MAX_ADDRESS_HEADER_CHARS).split(/[\s<>,;"]+/)) {
    const at = token.indexOf('@');
    if (at > 0 && at < token.length - 1 && token.length <= 254) out.push(token.toLowerCase());
    if (out.length >= MAX_ADDRESSES) break;
  }
  return out;
}

export function messageIds(v: string | string[] | undefined | null): string[] {
  const raw = Array.isArray(v) ? v.join(' ') : (v ?? '');
  return [...raw.matchAll(/<[^<>\s]{1,500}>/g)].map((m) => m[0]);
}

/**
 * Parses a stored raw mail with mailparser's streaming parser: attachments go straight to the
 * content-addressed store (never buffered whole), text is capped, and the HTML-to-text conversion
 * of mailparser is skipped (it is the one step whose cost grows badly with input; ours is linear).
 * Rejects when the message cannot be parsed at all.
 */
export async function parseStoredMail(file: string, store: MailStore, opts: { timeoutMs?: number } = {}): Promise<ParsedMail> {
  const mailCharsets = charsetContext(await readStart(file, CHARSET_SAMPLE_BYTES));
  // `mailCharsets` reaches every MIME node as its config (see installMailDecoders)
  const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, checksumAlgo: false, maxHtmlLengthToParse: MAX_HTML_CHARS, mailCharsets } as ConstructorParameters<typeof MailParser>[0]);
  const input = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  let headers: Headers = new Map();
  let text: MessageText | null = null;
  const attachments: ParsedAttachment[] = [];
  const pending: Promise<void>[] = [];
  let seen = 0;

  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      input.destroy();
      parser.destroy(new Error('mail parsing timed out'));
    }, opts.timeoutMs ?? 60_000);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    parser.on('headers', (h: Headers) => (headers = h));
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        text = data;
        return;
      }
      const att = data;
      const index = seen++;
      if (index >= MAX_ATTACHMENTS) {
        att.content.on('end', () => att.release?.());
        att.content.resume();
        return;
      }
      pending.push(
        store.writeAttachment(att.content).then(
          (blob) => {
            attachments[index] = {
              filename: (att.filename || defaultName(att.contentType)).slice(0, 255),
              contentType: att.contentType || 'application/octet-stream',
              size: blob.size,
              hash: blob.hash,
              inline: att.contentDisposition === 'inline' || !!att.related,
              ...(att.cid ? { cid: att.cid } : {}),
            };
            att.release?.();
          },
          (err) => {
            att.release?.();
            parser.destroy(err);
          },
        ),
      );
    });
    parser.on('end', () => finish());
    parser.on('error', (err: Error) => finish(err));
    input.on('error', (err) => finish(err));
  });
  input.pipe(parser);
  await done;
  await Promise.all(pending);

  const t = text as MessageText | null;
  const from = (headers.get('from') as AddressObject | undefined)?.value?.find((a) => a.address);
  const contentType = headers.get('content-type') as StructuredHeader | undefined;
  return {
    messageId: messageIds(headerText(headers, 'message-id'))[0] ?? null,
    inReplyTo: messageIds(headerText(headers, 'in-reply-to'))[0] ?? null,
    references: messageIds(headers.get('references') as string | string[] | undefined).slice(-MAX_REFERENCES),
    subject: headerText(headers, 'subject').slice(0, 500),
    from: from?.address ? { name: (from.name || '').trim().slice(0, 200), address: from.address.trim().toLowerCase() } : null,
    to: [...addresses(headers.get('to')), ...addresses(headers.get('cc'))],
    deliveredTo: [...addresses(headers.get('delivered-to')), ...addresses(headers.get('x-original-to')), ...addresses(headers.get('to')), ...addresses(headers.get('cc'))],
    text: (t?.text ?? '').slice(0, MAX_TEXT_CHARS),
    html: t?.html ? t.html.slice(0, MAX_HTML_CHARS) : null,
    attachments: attachments.filter(Boolean),
    headers,
    contentType: (contentType?.value ?? 'text/plain').toLowerCase(),
  };
}

async function readStart(file: string, bytes: number): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function defaultName(contentType: string): string {
  const ext = (contentType || '').split('/')[1]?.replace(/[^a-z0-9]/gi, '') || 'bin';
  return `attachment.${ext}`;
}

/** Ids of attachments are derived from the message, so a retried job stores the same ids. */
export function attachmentId(messageKey: string, index: number): string {
  return crypto.createHash('sha256').update(`${messageKey}:${index}`).digest('hex').slice(0, 24);
}
