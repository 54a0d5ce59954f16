import { FORWARD_SUBJECT, isAttribution, isForwardMarker, isHeaderKey, isHeaderStart, isMobileSignature, isSeparator, isStrongAttribution, type Attribution } from './quote-markers';

/**
 * The new text of a reply, without the quoted history mail clients append. The full text is kept
 * elsewhere (`fullBody`); this only decides where the customer's own words end, and when in doubt
 * keeps them: cutting a customer's sentence is worse than showing an old quote.
 *
 * How: every line is classified once (quoted, a reply header, a forward marker, a mobile signature,
 * text) by tests that look only at a bounded head and tail of the line (quote-markers.ts), so the
 * cost is linear in the length of the mail whatever it contains; then the kinds decide what stays:
 * - a reply header ("On … wrote:", "-----Original Message-----", a From:/Sent: block, in the
 *   languages of quote-markers.ts) starts the history; when the history that follows is `>`-quoted,
 *   text written below it (bottom-posting, inline answers) is the customer's again;
 * - a forward marker ("---------- Forwarded message ---------") starts content the customer wants
 *   read: nothing after it is cut;
 * - `>` lines are quotes; a mobile signature line ("Sent from my iPhone") is dropped.
 */

export interface Line {
  text: string;
  /** inside quoted history already known from the markup (HTML quote blocks) or a `>` prefix */
  quoted: boolean;
  /** the HTML quote block the line belongs to, if any (a forwarded block is un-quoted whole) */
  block?: number;
}

export interface ReplyOptions {
  /** the subject of the mail: "Fwd:"/"FW:"/"转发：" means the customer forwards what follows */
  subject?: string;
}

export interface Reply {
  body: string;
  /** whether anything was trimmed */
  quoted: boolean;
}

/** A plain-text mail body, split into lines; `>` lines are quotes. */
export function textLines(text: string): Line[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => ({ text: l, quoted: isQuotedLine(l) }));
}

export function isQuotedLine(l: string): boolean {
  // at most a few blanks before the '>' (a bounded, anchored test: linear)
  return /^[ \t]{0,8}>/.test(l);
}

export function splitReply(text: string, opts: ReplyOptions = {}): Reply {
  return trimReply(textLines(text), opts);
}

/** The reply part of a list of lines (from plain text, or from HTML with its quote blocks marked). */
export function trimReply(input: Line[], opts: ReplyOptions = {}): Reply {
  // A forward ("Fwd:", "转发：") is all content the customer wants read: nothing is cut.
  if (opts.subject !== undefined && FORWARD_SUBJECT.test(opts.subject.slice(0, 40))) return { body: joinLines(input), quoted: false };
  const lines = unquoteForwardedBlocks(input);
  const keep: boolean[] = new Array(lines.length).fill(true);
  let trimmed = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i].text.trim();
    if (!line) {
      i++;
      continue;
    }
    // Everything after a forward marker is what the customer forwards: keep it all, quotes included.
    if (!lines[i].quoted && isForwardMarker(line)) break;
    if (lines[i].quoted) {
      keep[i] = false;
      trimmed = true;
      i++;
      continue;
    }
    const header = replyHeaderAt(lines, i);
    if (header > 0) {
      // the history: the header, then either `>`-quoted lines (and text below them is the
      // customer's again), or unquoted history, which runs to the end
      let j = i + header;
      while (j < lines.length && (!lines[j].text.trim() || lines[j].quoted)) j++;
      const quotedHistory = j > i + header && lines.slice(i + header, j).some((l) => l.quoted);
      const end = quotedHistory ? j : lines.length;
      for (let k = i; k < end; k++) keep[k] = false;
      trimmed = true;
      i = end;
      continue;
    }
    if (isMobileSignature(line)) {
      keep[i] = false;
      trimmed = true;
    }
    i++;
  }
  const body = joinLines(lines.filter((_, k) => keep[k]));
  // A mail that is nothing but a quote (a bare forward, a misplaced header) keeps its whole text.
  if (!body) return { body: lines.map((l) => l.text).join('\n').trim(), quoted: false };
  return { body, quoted: trimmed };
}

/** An HTML quote block that opens with a forward marker is forwarded content, not history. */
function unquoteForwardedBlocks(lines: Line[]): Line[] {
  const forwarded = new Set<number>();
  const seen = new Set<number>();
  for (const l of lines) {
    if (l.block === undefined || seen.has(l.block) || !l.text.trim()) continue;
    seen.add(l.block);
    if (isForwardMarker(l.text.trim())) forwarded.add(l.block);
  }
  if (!forwarded.size) return lines;
  return lines.map((l) => (l.block !== undefined && forwarded.has(l.block) ? { text: l.text, quoted: false } : l));
}

/**
 * How many lines the reply header at `i` spans (0: none). An attribution may be wrapped over up to
 * three lines; one without an address or a date ("张伟 写道：") counts only when quoted lines follow
 * it, so that a customer's own "说明书上写道：" does not cut what they wrote after it.
 */
function replyHeaderAt(lines: Line[], i: number): number {
  const line = lines[i].text.trim();
  if (isSeparator(line)) return separatorConfirmed(lines, i) ? 1 : 0;
  if (isHeaderStart(line) && headerBlockConfirmed(lines, i)) return 1;
  let joined = line;
  for (let span = 1; span <= 3; span++) {
    if (span > 1) {
      const next = lines[i + span - 1];
      if (!next || next.quoted || !next.text.trim()) break;
      joined = `${joined} ${next.text.trim()}`;
    }
    if (joined.length > 600) break;
    const a: Attribution | null = isAttribution(joined);
    if (a) return isStrongAttribution(joined, a) || quotedFollows(lines, i + span) ? span : 0;
  }
  return 0;
}

/** A separator ("-----Original Message-----") is history; a bare rule of underscores only before a From: block. */
function separatorConfirmed(lines: Line[], i: number): boolean {
  if (!/^_{6,}$/.test(lines[i].text.trim())) return true;
  for (let k = i + 1, seen = 0; k < lines.length && seen < 3; k++) {
    const t = lines[k].text.trim();
    if (!t) continue;
    seen++;
    if (isHeaderStart(t) || isHeaderKey(t)) return true;
  }
  return false;
}

/**
 * A "From:" line starts a header block when header lines (Sent:, To:, Subject:, 发送时间:, …) follow
 * within the next few lines: two of them, or one when the From: line carries an address or is a
 * Chinese/Japanese client's (发件人：X then 时间：… is how Foxmail and QQ Mail write it).
 */
function headerBlockConfirmed(lines: Line[], i: number): boolean {
  let found = 0;
  for (let k = i + 1, seen = 0; k < lines.length && seen < 6; k++) {
    const t = lines[k].text.trim();
    if (!t) continue;
    seen++;
    if (isHeaderKey(t)) found++;
  }
  const from = lines[i].text.trim();
  const strong = from.slice(0, 300).includes('@') || /^[*\s]{0,3}[^\x00-\x7f]/.test(from);
  return found >= 2 || (found >= 1 && strong);
}

function quotedFollows(lines: Line[], from: number): boolean {
  for (let k = from; k < lines.length && k < from + 4; k++) {
    if (!lines[k].text.trim()) continue;
    return lines[k].quoted;
  }
  return false;
}

/** Lines back to text: blanks trimmed at line ends, runs of blank lines cut to one. */
export function joinLines(lines: Line[]): string {
  return lines
    .map((l) => l.text.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** "Re: Re: 回复：Fwd: subject [#12]" → "subject", for matching and for outbound subjects. */
export function cleanSubject(subject: string): string {
  let s = subject.slice(0, 1000).replace(/\[#\d{1,12}\]/g, ' ');
  for (let i = 0; i < 10; i++) {
    const next = s.replace(/^[ \t]{0,20}(re|fw|fwd|aw|wg|sv|答复|回复|转发|回覆|轉寄)[ \t]{0,5}(\[\d{1,6}\])?[ \t]{0,5}[:：][ \t]{0,20}/i, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim();
}
