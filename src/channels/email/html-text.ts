import { Parser } from 'htmlparser2';
import { isQuotedLine, joinLines, type Line, type Reply, type ReplyOptions, trimReply } from './quote';

/**
 * HTML mail bodies as text, with a real HTML parser (htmlparser2: one pass, linear in the input,
 * HTML entities decoded by the `entities` tables it uses), and the quoted history their markup
 * shows marked, so that quote.ts can trim it like a plain-text reply's.
 */

const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'xml']);
const BLOCK = new Set(['p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'table', 'ul', 'ol', 'pre', 'section', 'article', 'header', 'footer', 'address', 'center', 'dd', 'dt', 'dl', 'hr', 'form', 'fieldset', 'figure', 'main', 'aside', 'nav']);

type QuoteKind = 'block' | 'rest';

/**
 * Where HTML clients put their quoted history. `block`: the element holds the history (Gmail,
 * Apple Mail, Thunderbird, Yahoo), text after it is the customer's again. `rest`: the element
 * starts it and everything after it is history (Outlook's reply header, QQ Mail, NetEase).
 */
function quoteKind(name: string, attrs: Record<string, string>): QuoteKind | null {
  const cls = ` ${(attrs.class ?? '').slice(0, 300).toLowerCase()} `;
  const id = (attrs.id ?? '').slice(0, 100).toLowerCase();
  if (name === 'blockquote' && (attrs.type ?? '').toLowerCase() === 'cite') return 'block';
  if (name === 'div' || name === 'blockquote' || name === 'section') {
    if (cls.includes(' gmail_quote ') || cls.includes(' yahoo_quoted ') || cls.includes(' moz-cite-prefix ') || cls.includes(' protonmail_quote ')) return 'block';
    if (id === 'divrplyfwdmsg' || id === 'appendonsend' || id === 'original-content' || id === 'qqmailoriginal' || id === 'ntes-pcmail-quote' || id === 'mail-editor-reference-message-container') return 'rest';
    // Outlook desktop: the reply header sits in a div with a thin top border
    const style = (attrs.style ?? '').slice(0, 300).toLowerCase().replace(/\s+/g, '');
    if (style.includes('border-top:solid#e1e1e1') || style.includes('border-top:solid#b5c4df')) return 'rest';
  }
  return null;
}

/**
 * Plain text of an HTML body, with a real HTML parser (htmlparser2: one pass, linear in the input,
 * HTML entities decoded by the `entities` tables it uses). With `markQuotes` each line says whether
 * it lies in the quoted history the markup shows; without, this is the whole text.
 */
export function htmlLines(html: string, markQuotes = true): Line[] {
  const out: Line[] = [];
  let cur = '';
  // whether `cur` holds more than blanks (kept as a flag: trimming a growing line per text event would be quadratic)
  let curText = false;
  let curQuoted = false;
  let curBlock: number | undefined;
  let skipDepth = 0;
  let pre = 0;
  let blocks = 0;
  let rest = false;
  // per open element: the quote block it opened (or -1)
  const stack: number[] = [];
  const open: number[] = [];

  const quotedNow = () => rest || open.length > 0;
  const flush = () => {
    out.push({ text: cur, quoted: markQuotes && curQuoted, ...(markQuotes && curBlock !== undefined ? { block: curBlock } : {}) });
    cur = '';
    curText = false;
    curQuoted = false;
    curBlock = undefined;
  };
  const newline = () => {
    if (curText) flush();
    else cur = '';
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (SKIP.has(name)) {
          skipDepth++;
          stack.push(-2);
          return;
        }
        let mark = -1;
        if (markQuotes && !skipDepth) {
          const kind = quoteKind(name, attrs);
          if (kind === 'rest') {
            newline();
            rest = true;
            mark = blocks++;
            open.push(mark);
          } else if (kind === 'block') {
            newline();
            mark = blocks++;
            open.push(mark);
          }
        }
        stack.push(mark);
        if (name === 'br') flush();
        else if (BLOCK.has(name)) newline();
        if (name === 'pre') pre++;
      },
      ontext(data) {
        if (skipDepth) return;
        const t = pre ? data.replace(/\r\n?/g, '\n') : data.replace(/[\s]+/g, ' ');
        const parts = t.split('\n');
        for (let p = 0; p < parts.length; p++) {
          if (p > 0) flush();
          if (!parts[p]) continue;
          if (!curText && parts[p].trim()) {
            curText = true;
            curQuoted = quotedNow();
            curBlock = open.length ? open[open.length - 1] : rest ? -1 : undefined;
          }
          cur += parts[p];
        }
      },
      onclosetag(name) {
        const mark = stack.pop();
        if (mark === -2) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (name === 'pre') pre = Math.max(0, pre - 1);
        if (name === 'td' || name === 'th') cur += ' ';
        if (BLOCK.has(name)) newline();
        if (mark !== undefined && mark >= 0) {
          newline();
          const at = open.lastIndexOf(mark);
          if (at >= 0) open.splice(at, 1);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  if (cur) flush();
  // blocks that are only a "rest" of the document carry no block id of their own
  return out.map((l) => (l.block === -1 ? { text: l.text.replace(/\u00a0/g, ' '), quoted: l.quoted } : { ...l, text: l.text.replace(/\u00a0/g, ' ') }));
}

/** The whole text of an HTML body. */
export function htmlToText(html: string): string {
  return joinLines(htmlLines(html, false));
}

/** The new text of an HTML-only reply: its quote blocks and reply headers trimmed. */
export function htmlReply(html: string, opts: ReplyOptions = {}): Reply {
  const lines = htmlLines(html, true).map((l) => (l.quoted ? l : { ...l, quoted: isQuotedLine(l.text) }));
  return trimReply(lines, opts);
}
