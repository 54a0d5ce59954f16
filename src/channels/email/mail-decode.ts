import { Transform, TransformCallback } from 'node:stream';
import MimeNode from '@zone-eu/mailsplit/lib/mime-node.js';

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

const TEXT_TYPES = ['text/plain', 'text/html', 'message/delivery-status'];
let installed = false;

/**
 * Makes mailparser use these decoders. mailparser builds its MIME splitter itself, so the seam is
 * the splitter's `MimeNode.getDecoder`; the same test as mailparser's tells a shown text part
 * (a text type, no disposition or `inline`) from an attachment, which is never cut.
 */
export function installMailDecoders(textCapBytes: number): void {
  if (installed) return;
  installed = true;
  const original = MimeNode.prototype.getDecoder;
  MimeNode.prototype.getDecoder = function (this: MimeNode) {
    if (!this.headers) this.parseHeaders();
    const decoder = this.encoding === 'quoted-printable' ? new QpDecoder() : original.call(this);
    const type = this.contentType || (this.root ? 'text/plain' : '');
    const shown = TEXT_TYPES.includes(type) && (!this.disposition || this.disposition === 'inline');
    return shown ? new CappedDecoder(decoder, textCapBytes) : decoder;
  };
}
