import fs from 'node:fs';

/** How much of a raw mail is read to find its header section. */
const HEAD_BYTES = 64 * 1024;
const FIELD = /^[!-9;-~]+:/; // RFC 5322 field name: printable ASCII but the colon, then a colon

/**
 * Why the start of a raw message is not an RFC 5322 mail, or null when it is one: a header section
 * of fields (folded lines allowed) with a From field, ended by an empty line or the end of the
 * message. An optional mbox "From " line is skipped. Reads at most 64 KB, in one pass.
 */
export function notAMail(head: Buffer): string | null {
  if (head.length === 0) return 'the message is empty';
  let text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0 && head.length >= HEAD_BYTES) return `no end of the header section within ${HEAD_BYTES / 1024} KB`;
  if (end >= 0) text = text.slice(0, end);
  const lines = text.split(/\r?\n/);
  if (lines[0].startsWith('From ')) lines.shift();
  let from = false;
  for (const [i, line] of lines.entries()) {
    if (/^[ \t]/.test(line) && i > 0) continue; // folded continuation of the field above
    if (!FIELD.test(line)) return `line ${i + 1} of the header section is not a header field`;
    if (/^from:/i.test(line)) from = true;
  }
  return from ? null : 'the header section has no From field';
}

/** notAMail() over the first bytes of a stored file. */
export async function notAMailFile(file: string): Promise<string | null> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return notAMail(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
