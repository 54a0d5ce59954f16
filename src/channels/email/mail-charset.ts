import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import jschardet from 'jschardet';
import { decode as libmimeDecode, normalizeCharset } from 'libmime/lib/charset.js';

/**
 * Charsets of mail that does not say what it is written in. Older Chinese (and Japanese) clients
 * put raw GBK or Shift_JIS bytes into Subject, From names, bodies and attachment file names
 * without any label, or label them wrongly (`us-ascii`, `utf-8`, an unknown name). Read as UTF-8
 * that becomes U+FFFD; read as Latin-1, mojibake. Here such bytes are decoded with the charset
 * the rest of the mail declares when that fits, else the one a detector (jschardet, a port of
 * Mozilla's universal charset detector) finds, preferring East Asian multi-byte charsets when the
 * sample is too short for the detector to be sure (a two-character name).
 */

/** What one mail tells about its charsets, gathered once from its start (see `charsetContext`). */
export interface CharsetContext {
  /** charsets the mail declares (charset= parameters, encoded words), normalised, in order of appearance */
  declared: string[];
  /** the charset of the undeclared 8-bit bytes in the mail's start, when there are any */
  guessed: string | null;
}

const SAMPLE_BYTES = 64 * 1024;
const DETECT_BYTES = 16 * 1024;

/** Detector candidates: the charsets mail is written in, not every code page jschardet knows. */
const DETECT = ['UTF-8', 'GB2312', 'Big5', 'SHIFT_JIS', 'EUC-JP', 'EUC-KR', 'windows-1252', 'ISO-8859-2', 'windows-1251', 'KOI8-R', 'ISO-8859-7', 'windows-1255', 'windows-1256', 'TIS-620'];

/** Normalised names: supersets where a mail's label names a subset (GB2312 → GB18030, Shift_JIS → CP932). */
const SUPERSET: Record<string, string> = {
  'gb2312': 'gb18030',
  'gbk': 'gb18030',
  'x-gbk': 'gb18030',
  'cp936': 'gb18030',
  'windows-936': 'gb18030',
  'gb_2312-80': 'gb18030',
  'euc-cn': 'gb18030',
  'gb18030': 'gb18030',
  'big5': 'cp950',
  'x-big5': 'cp950',
  'cp950': 'cp950',
  'big5-hkscs': 'big5hkscs',
  'big5hkscs': 'big5hkscs',
  'shift_jis': 'cp932',
  'shift-jis': 'cp932',
  'sjis': 'cp932',
  'x-sjis': 'cp932',
  'ms932': 'cp932',
  'cp932': 'cp932',
  'windows-31j': 'cp932',
  'euc-jp': 'eucjp',
  'eucjp': 'eucjp',
  'euc-kr': 'cp949',
  'ks_c_5601-1987': 'cp949',
  'cp949': 'cp949',
  'uhc': 'cp949',
  'iso-8859-1': 'windows-1252',
  'latin1': 'windows-1252',
  'us-ascii': 'us-ascii',
  'ascii': 'us-ascii',
  'utf8': 'utf-8',
  'utf-8': 'utf-8',
};
const MULTIBYTE = new Set(['gb18030', 'cp950', 'big5hkscs', 'cp932', 'eucjp', 'cp949']);
/** the order in which East Asian charsets are tried when the detector has no clear answer */
const CJK_FALLBACK = ['gb18030', 'cp950', 'cp932', 'cp949'];

/** A charset name as iconv-lite knows it, or null for one nobody can decode with. */
export function charsetName(label: string | null | undefined): string | null {
  if (!label) return null;
  const raw = String(label).trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (!raw || raw.length > 40) return null;
  const known = SUPERSET[raw] ?? SUPERSET[normalizeCharset(raw).toLowerCase()];
  if (known) return known;
  const norm = normalizeCharset(raw).toLowerCase();
  if (/^(?:jis|iso-?2022-?jp)/.test(norm)) return norm;
  if (/^utf-?7/.test(norm)) return null; // never: a way to smuggle markup past filters
  return iconv.encodingExists(norm) ? norm : iconv.encodingExists(raw) ? raw : null;
}

/** Whether text decoded from mail bytes looks like text: no U+FFFD, no control characters. */
function clean(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\ufffd\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text);
}

/** Decodes with a declared (or chosen) charset; libmime's decoder knows the Japanese ones iconv-lite lacks. */
export function decodeAs(bytes: Buffer, charset: string): string {
  if (charset === 'utf-8' || charset === 'us-ascii') return bytes.toString('utf8');
  return libmimeDecode(bytes, charset);
}

function detected(bytes: Buffer): { charset: string; confidence: number }[] {
  const sample = bytes.length > DETECT_BYTES ? bytes.subarray(0, DETECT_BYTES) : bytes;
  const out: { charset: string; confidence: number }[] = [];
  for (const r of jschardet.detectAll(sample, { detectEncodings: DETECT, minimumThreshold: 0 })) {
    const name = charsetName(r.encoding);
    if (name && !out.some((o) => o.charset === name)) out.push({ charset: name, confidence: r.confidence });
  }
  return out;
}

/**
 * The charset of 8-bit bytes whose label is missing or failed: valid UTF-8 is UTF-8; then a
 * multi-byte charset the mail declares elsewhere, if the bytes decode cleanly with it; then the
 * detector's answer when it is fairly sure; then a single-byte charset the mail declares; then the
 * first East Asian charset, in the detector's order, that decodes the bytes cleanly.
 */
export function pickCharset(bytes: Buffer, hints: (string | null | undefined)[] = []): string {
  if (isAscii(bytes) || isUtf8(bytes)) return 'utf-8';
  const names = [...new Set(hints.map(charsetName).filter((h): h is string => !!h && h !== 'utf-8' && h !== 'us-ascii'))];
  const fits = (cs: string) => {
    try {
      return clean(decodeAs(bytes, cs));
    } catch {
      return false;
    }
  };
  for (const h of names) if (MULTIBYTE.has(h) && fits(h)) return h;
  const ranked = detected(bytes);
  const sure = ranked.find((r) => r.confidence >= 0.3 && fits(r.charset));
  if (sure) return sure.charset;
  for (const h of names) if (!MULTIBYTE.has(h) && fits(h)) return h;
  const cjk = [...ranked.filter((r) => MULTIBYTE.has(r.charset)).map((r) => r.charset), ...CJK_FALLBACK];
  for (const cs of cjk) if (fits(cs)) return cs;
  return 'windows-1252';
}

/** Decodes bytes that carry no usable label. */
export function decodeUndeclared(bytes: Buffer, hints: (string | null | undefined)[] = []): string {
  return decodeAs(bytes, pickCharset(bytes, hints));
}

/**
 * Decodes bytes with their declared charset when it fits them, else as undeclared: a declared
 * charset fails when it is unknown, or when the bytes are not valid in it (U+FFFD or controls).
 */
export function decodeDeclared(bytes: Buffer, declared: string | null | undefined, hints: (string | null | undefined)[] = []): string {
  const cs = charsetName(declared);
  if (cs && cs !== 'us-ascii') {
    if (cs === 'utf-8' ? isUtf8(bytes) : true) {
      try {
        const text = decodeAs(bytes, cs);
        if (cs === 'utf-8' || !text.includes('\ufffd')) return text;
      } catch {
        // an unusable charset: detect instead
      }
    }
  } else if (isAscii(bytes)) return bytes.toString('latin1');
  return decodeUndeclared(bytes, [cs, ...hints]);
}

const DECLARED = /charset[ \t]{0,3}=[ \t]{0,3}["']?([A-Za-z0-9._:-]{1,40})/gi;
const ENCODED_WORD_CHARSET = /=\?([A-Za-z0-9._-]{1,40})(?:\*[A-Za-z-]{1,20})?\?[bBqQ]\?/g;

/**
 * What the start of a raw mail tells about its charsets: the labels it declares, and a guess for
 * its unlabelled 8-bit bytes (the lines holding such bytes, which are where raw header values and
 * 8-bit bodies are). One linear pass over at most the first 64 KB.
 */
export function charsetContext(start: Buffer): CharsetContext {
  const head = start.length > SAMPLE_BYTES ? start.subarray(0, SAMPLE_BYTES) : start;
  const latin = head.toString('latin1');
  const declared: string[] = [];
  for (const re of [DECLARED, ENCODED_WORD_CHARSET]) {
    re.lastIndex = 0;
    for (const m of latin.matchAll(re)) {
      const name = charsetName(m[1]);
      if (name && name !== 'us-ascii' && !declared.includes(name)) declared.push(name);
      if (declared.length >= 8) break;
    }
  }
  if (isAscii(head)) return { declared, guessed: null };
  // the lines with 8-bit bytes, joined
  const lines: Buffer[] = [];
  let at = 0;
  let size = 0;
  while (at < head.length && size < DETECT_BYTES) {
    let end = head.indexOf(0x0a, at);
    if (end < 0) end = head.length;
    const line = head.subarray(at, end);
    if (!isAscii(line)) {
      lines.push(line);
      size += line.length;
    }
    at = end + 1;
  }
  const sample = Buffer.concat(lines);
  return { declared, guessed: sample.length ? pickCharset(sample, declared) : null };
}

const ENCODED_WORD = /=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]{0,3000})\?=/g;

function wordBytes(enc: string, data: string): Buffer {
  if (enc === 'b' || enc === 'B') return Buffer.from(data, 'base64');
  return Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** A header (with its folded continuation lines) is cut at this many bytes: no header needs more. */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The header lines of one MIME node (each with its line end, the empty line last), made safe for
 * the MIME parser: every header cut at MAX_HEADER_BYTES, and lines with undeclared 8-bit bytes or
 * encoded words whose charset fails turned into UTF-8 (raw UTF-8 is what RFC 6532 allows, and
 * what the parser reads raw bytes as). One charset is chosen for all such lines of the block, from
 * their bytes together. Returns null when nothing needed changing.
 */
export function fixHeaderBlock(lines: Buffer[], hints: (string | null | undefined)[]): Buffer[] | null {
  let changed = false;
  const capped: Buffer[] = [];
  let headerBytes = 0;
  for (const line of lines) {
    const continuation = line.length > 0 && (line[0] === 0x20 || line[0] === 0x09);
    if (!continuation) headerBytes = 0;
    if (headerBytes >= MAX_HEADER_BYTES && continuation) {
      changed = true;
      continue;
    }
    if (headerBytes + line.length > MAX_HEADER_BYTES) {
      const end = line[line.length - 2] === 0x0d ? 2 : line[line.length - 1] === 0x0a ? 1 : 0;
      capped.push(Buffer.concat([line.subarray(0, MAX_HEADER_BYTES - headerBytes), line.subarray(line.length - end)]));
      headerBytes = MAX_HEADER_BYTES;
      changed = true;
      continue;
    }
    headerBytes += line.length;
    capped.push(line);
  }
  const raw = capped.filter((l) => !isAscii(l) && !isUtf8(l));
  const charset = raw.length ? pickCharset(Buffer.concat(raw), hints) : null;
  const out = capped.map((line) => {
    let l = line;
    if (charset && !isAscii(l) && !isUtf8(l)) l = Buffer.from(decodeAs(l, charset), 'utf8');
    if (l.indexOf('=?') >= 0) l = fixEncodedWords(l, [charset, ...hints]);
    if (l !== line) changed = true;
    return l;
  });
  return changed ? out : null;
}

/** Encoded words whose charset is unknown or does not fit their bytes, re-encoded as UTF-8 ones. */
function fixEncodedWords(line: Buffer, hints: (string | null | undefined)[]): Buffer {
  const text = line.toString('utf8');
  let changed = false;
  const fixed = text.replace(ENCODED_WORD, (word: string, label: string, enc: string, data: string) => {
    const cs = charsetName(label.split('*')[0]);
    const bytes = wordBytes(enc, data);
    const fine = cs === 'utf-8' ? isUtf8(bytes) : cs === 'us-ascii' ? isAscii(bytes) : !!cs && clean(safeDecode(bytes, cs));
    if (fine) return word;
    changed = true;
    return `=?UTF-8?B?${Buffer.from(decodeUndeclared(bytes, [cs, ...hints]), 'utf8').toString('base64')}?=`;
  });
  return changed ? Buffer.from(fixed, 'utf8') : line;
}

function safeDecode(bytes: Buffer, cs: string): string {
  try {
    return decodeAs(bytes, cs);
  } catch {
    return '\ufffd';
  }
}
