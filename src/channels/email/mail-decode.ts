import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, TransformCallback } from 'node:stream';
import MimeNode from '@zone-eu/mailsplit/lib/mime-node.js';
import { CharsetContext, decodeDeclared, fixHeaderBlock } from './mail-charset';

/**
 * Streaming body decoders for mailparser. mailparser's quoted-printable decoder (libqp) keeps a
 * whole part in memory and decodes it in one synchronous call when the part ends: a 10 MB
 * quoted-printable HTML part blocked the event loop for ~200 ms, and mailparser then joins and
 * converts the whole decoded text part in one go too. So quoted-printable is decoded chunk by chunk
 * here, and a text part that will be shown (not an attachment) stops growing past a cap: the intake
 * keeps at most MAX_TEXT_CHARS / MAX_HTML_CHARS characters of it anyway.
 */

const WS = /(^|[^ \t])[ \t]+(?=[\n\r\u2028\u2029]|$)/g;
const SOFT_BREAK = /[=](?:\r?\n|$)/g;

function hex(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Quoted-printable, decoded as it streams, with exactly the result of libqp's `decode` on the
 * whole input. The input is cut only where the two clean-ups libqp runs first (trailing blanks of
 * a line, soft line breaks) cannot reach across the cut: after a line feed, or in a long line after
 * a character that is none of blank, CR and '='. An '=' escape left open at the end of a piece
 * waits for the next one.
 */
export class QpDecoder extends Transform {
  private raw = '';
  private open = '';

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, done: TransformCallback): void {
    this.raw += Buffer.isBuffer(chunk) ? chunk.toString('latin1') : Buffer.from(chunk, encoding).toString('latin1');
    let cut = this.raw.lastIndexOf('\n') + 1;
    if (cut === 0 && this.raw.length > 64 * 1024) {
      cut = this.raw.length;
      while (cut > 0 && ' \t\r='.includes(this.raw[cut - 1])) cut--;
    }
    if (cut > 0) {
      const piece = this.raw.slice(0, cut);
      this.raw = this.raw.slice(cut);
      this.emit_(piece, false);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.emit_(this.raw, true);
    this.raw = '';
    done();
  }

  private emit_(piece: string, last: boolean): void {
    const s = this.open + piece.replace(WS, '$1').replace(SOFT_BREAK, '');
    const out = Buffer.allocUnsafe(s.length);
    let n = 0;
    let i = 0;
    for (; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code === 0x3d) {
        if (i >= s.length - 2 && !last) break; // an escape cut in two: finish it with the next piece
        if (i < s.length - 2) {
          const hi = hex(s.charCodeAt(i + 1));
          const lo = hex(s.charCodeAt(i + 2));
          if (hi >= 0 && lo >= 0) {
            out[n++] = hi * 16 + lo;
            i += 2;
            continue;
          }
        }
      }
      out[n++] = code;
    }
    this.open = s.slice(i);
    if (n) this.push(out.subarray(0, n));
  }
}

/**
 * A decoder whose output stops after `max` bytes; the rest is still read and decoded chunk by
 * chunk (the parser goes on), just not kept.
 */
export class CappedDecoder extends Transform {
  private seen = 0;

  constructor(
    private readonly inner: Transform,
    private readonly max: number,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => {
      const room = this.max - this.seen;
      this.seen += chunk.length;
      if (room > 0) this.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
    });
    inner.on('error', (err) => this.destroy(err));
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    this.inner.write(chunk, encoding, () => done());
  }

  override _flush(done: TransformCallback): void {
    this.inner.once('end', () => done());
    this.inner.end();
  }
}

/**
 * A shown text part's bytes, decoded to UTF-8 here instead of by the parser: with the declared
 * charset when it fits them, else with the detected one (mail-charset.ts). The part is held
 * whole (it is capped before this), since a charset is only known from all of it.
 */
export class CharsetDecoder extends Transform {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly inner: Transform,
    private readonly declared: string | null,
    private readonly hints: (string | null)[],
    private readonly cap: number,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
    });
    inner.on('error', (err) => this.destroy(err));
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, done: TransformCallback): void {
    this.inner.write(chunk, encoding, () => done());
  }

  override _flush(done: TransformCallback): void {
    this.inner.once('end', () => {
      this.decodeAll();
      done();
    });
    this.inner.end();
  }

  private decodeAll(): void {
    let bytes = Buffer.concat(this.chunks, this.size);
    this.chunks.length = 0;
    // a part cut at the cap may end inside a character: the cut is not the charset's fault
    if (bytes.length >= this.cap) bytes = bytes.subarray(0, Math.max(0, bytes.length - 4));
    let declared = this.declared;
    // an HTML part without a MIME charset may name one in its <meta>
    if (!declared) declared = /charset[ \t]{0,3}=[ \t]{0,3}["']?([A-Za-z0-9._:-]{1,40})/i.exec(bytes.subarray(0, 2048).toString('latin1'))?.[1] ?? null;
    const text = isAscii(bytes) ? bytes.toString('latin1') : decodeDeclared(bytes, declared, this.hints);
    if (text) this.push(Buffer.from(text, 'utf8'));
  }
}

const TEXT_TYPES = ['text/plain', 'text/html', 'message/delivery-status'];
let installed = false;

type Node = MimeNode & {
  config?: { mailCharsets?: CharsetContext };
  _headersLines: Buffer[];
  _headerlen: number;
  _declaredCharset?: string | null;
};

function isShown(node: MimeNode): boolean {
  const type = node.contentType || (node.root ? 'text/plain' : '');
  return TEXT_TYPES.includes(type as string) && (!node.disposition || node.disposition === 'inline');
}

const OWN_CHARSET = /charset[ \t]{0,3}=[ \t]{0,3}["']?([A-Za-z0-9._:-]{1,40})/i;

/**
 * Makes mailparser use these decoders. mailparser builds its MIME splitter itself, so the seams
 * are the splitter's `MimeNode.parseHeaders` (each header block capped, and raw 8-bit bytes
 * turned into UTF-8 in the charset the mail's context gives, before anything reads them) and
 * `MimeNode.getDecoder` (a shown text part, told from an attachment by the same test as
 * mailparser's, is capped and decoded to UTF-8 by CharsetDecoder; an attachment is never cut).
 * The per-mail context comes in the parser's options (`mailCharsets`), which the splitter hands
 * to every node as its `config`.
 */
export function installMailDecoders(textCapBytes: number): void {
  if (installed) return;
  installed = true;
  const originalParse = MimeNode.prototype.parseHeaders;
  MimeNode.prototype.parseHeaders = function (this: Node) {
    if (this.headers) return;
    const ctx = this.config?.mailCharsets;
    let raw8bit = false;
    if (ctx && this._headersLines.length) {
      const own = OWN_CHARSET.exec(Buffer.concat(this._headersLines).toString('latin1'))?.[1] ?? null;
      raw8bit = this._headersLines.some((l) => !isAscii(l) && !isUtf8(l));
      const fixed = fixHeaderBlock(this._headersLines, [own, ...ctx.declared, ctx.guessed]);
      if (fixed) {
        this._headersLines = fixed;
        this._headerlen = fixed.reduce((n, l) => n + l.length, 0);
      }
    }
    originalParse.call(this);
    // a file name read from raw bytes (now UTF-8) comes out of the splitter as a binary string
    if (raw8bit && this.filename && /^[\x00-\xff]*$/.test(this.filename)) {
      const bytes = Buffer.from(this.filename, 'latin1');
      if (!isAscii(bytes) && isUtf8(bytes)) this.filename = bytes.toString('utf8');
    }
    if (ctx && isShown(this)) {
      // the part's charset is applied by CharsetDecoder, not by the parser
      this._declaredCharset = this.charset || null;
      this.charset = false;
    }
  };
  const original = MimeNode.prototype.getDecoder;
  MimeNode.prototype.getDecoder = function (this: Node) {
    if (!this.headers) this.parseHeaders();
    const decoder = this.encoding === 'quoted-printable' ? new QpDecoder() : original.call(this);
    if (!isShown(this)) return decoder;
    const capped = new CappedDecoder(decoder, textCapBytes);
    const ctx = this.config?.mailCharsets;
    if (!ctx) return capped;
    return new CharsetDecoder(capped, this._declaredCharset ?? null, [...ctx.declared, ctx.guessed], textCapBytes);
  };
}
