/**
 * The new text of a reply, without the quoted history mail clients append. The full text is kept
 * elsewhere; this only decides where the customer's own words end.
 */

// A line that by itself starts the quoted history.
const CUT_LINES: RegExp[] = [
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i, // Outlook, many clients
  /^-{2,}\s*原始邮件\s*-{2,}\s*$/, // QQ Mail, Foxmail, Chinese Outlook
  /^-{2,}\s*(回复的原邮件|原邮件|邮件原文)\s*-{2,}\s*$/, // NetEase 163/126
  /^-{2,}\s*Reply message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/, // Outlook (web, mobile) draws a rule above the From: block
  /^On\b.{4,300}\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird
  /^在\s*.{2,200}\s*写道\s*[:：]?\s*$/, // Gmail and Apple Mail in Chinese
  /^.{2,200}\s于\s*.{2,100}\s*写道\s*[:：]?\s*$/,
  /^Le .{4,300} a écrit\s*:\s*$/i,
  /^Am .{4,300} schrieb .{0,200}:\s*$/i,
];

// "On Tue, 5 Mar 2024 at 10:00, Somebody <a@b>" followed by "wrote:" on the next line (wrapped).
const WROTE_SPLIT = { first: /^On\b.{4,300}$/i, second: /^.{0,200}\bwrote:\s*$/i };

// An Outlook/Foxmail header block: "From:" (or 发件人:) then within a few lines Sent/To/Subject.
const HEADER_START = /^\*?\s*(From|发件人|寄件者|发信人)\s*\*?\s*[:：]/i;
const HEADER_NEXT = /^\*?\s*(Sent|Date|To|Cc|Subject|发送时间|日期|时间|收件人|抄送|主题)\s*\*?\s*[:：]/i;

export function splitReply(text: string): { body: string; quoted: boolean } {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    if (CUT_LINES.some((re) => re.test(line))) {
      cut = i;
      break;
    }
    if (WROTE_SPLIT.first.test(line) && i + 1 < lines.length && WROTE_SPLIT.second.test(lines[i + 1].trim()) && !/wrote:/i.test(line)) {
      cut = i;
      break;
    }
    if (HEADER_START.test(line)) {
      const next = lines.slice(i + 1, i + 6).map((l) => l.trim());
      if (next.filter((l) => HEADER_NEXT.test(l)).length >= 2) {
        cut = i;
        break;
      }
    }
  }
  // Interleaved or trailing "> " quotes are history too.
  const kept = lines.slice(0, cut).filter((l) => !/^\s*>/.test(l));
  const body = kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  const quoted = cut < lines.length || kept.length < cut;
  // A mail that is nothing but a quote (a bare forward) keeps its whole text.
  return body ? { body, quoted } : { body: text.trim(), quoted: false };
}

// Where HTML clients start their quoted history.
const HTML_QUOTE_MARKERS: RegExp[] = [
  /<div[^>]*class=["']?[^"'>]*gmail_quote/i,
  /<blockquote[^>]*type=["']?cite/i,
  /<div[^>]*id=["']?divRplyFwdMsg/i, // Outlook
  /<div[^>]*id=["']?appendonsend/i, // Outlook web
  /<div[^>]*class=["']?[^"'>]*yahoo_quoted/i,
  /<div[^>]*class=["']?[^"'>]*moz-cite-prefix/i, // Thunderbird
  /<div[^>]*style=["'][^"']*border-top:\s*solid\s*#[eE]1[eE]1[eE]1/i, // Outlook desktop
  /<div[^>]*id=["']?(original-content|QQMailOriginal|isForwardContent|ntes-pcmail-quote)/i, // QQ Mail, Foxmail, NetEase
];

/** Plain text of an HTML body, linear in its length; with `dropQuote` the quoted history is cut first. */
export function htmlToText(html: string, dropQuote = false): string {
  let h = html;
  if (dropQuote) {
    let at = h.length;
    for (const re of HTML_QUOTE_MARKERS) {
      const m = re.exec(h);
      if (m && m.index < at) at = m.index;
    }
    h = h.slice(0, at);
  }
  return decodeEntities(
    h
      .replace(/<(script|style|head|title)\b[^]*?<\/\1\s*>/gi, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|table)\s*>/gi, '\n')
      .replace(/<[^>]{0,2000}>/g, ''),
  )
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', hellip: '…', mdash: '—', ndash: '–', ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’' };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** "Re: Re: 回复：Fwd: subject [#12]" → "subject", for matching and for outbound subjects. */
export function cleanSubject(subject: string): string {
  let s = subject.replace(/\[#\d+\]/g, ' ');
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/^\s*(re|fw|fwd|aw|wg|sv|答复|回复|转发|回覆|轉寄)\s*(\[\d+\])?\s*[:：]\s*/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim();
}
