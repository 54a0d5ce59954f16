import type { Analyzer, QueryGroup } from './analyzer';
import { normalize } from './analyzer';

export interface Snippet {
  /** the passage as HTML: the text escaped, the hits in `<mark>` (safe to insert as HTML) */
  html: string;
  /** the same passage as plain text */
  text: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * The passage of `text` (plain text) with the most distinct query words, about `width` characters,
 * cut at word boundaries where it can. Positions come from the analyser on the normalised text,
 * so a hit on a synonym (`底下有水` for `漏水`) is marked too.
 */
export function snippet(analyzer: Analyzer, text: string, groups: QueryGroup[], width = 140): Snippet {
  const source = normalizeForDisplay(text);
  const norm = normalize(source);
  // NFKC can change lengths (ligatures); then positions would drift, so show the start instead
  const aligned = norm.length === source.length;
  const wanted = new Map<string, number>();
  groups.forEach((g, gi) => g.alternatives.forEach((a) => wanted.set(a.term, gi)));
  const hits = aligned ? analyzerHits(analyzer, source, wanted) : [];
  if (!hits.length) {
    const plain = source.length > width ? source.slice(0, width).replace(/\s+\S*$/, '') + '…' : source;
    return { html: escapeHtml(plain), text: plain };
  }
  // the window starting at a hit that covers the most distinct groups
  let best = { from: hits[0].start, score: -1 };
  for (let i = 0; i < hits.length; i++) {
    const from = hits[i].start;
    const groupsIn = new Set<number>();
    for (let j = i; j < hits.length && hits[j].end <= from + width; j++) groupsIn.add(hits[j].group);
    if (groupsIn.size > best.score) best = { from, score: groupsIn.size };
  }
  let start = Math.max(0, best.from - Math.floor(width / 4));
  let end = Math.min(source.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  if (start > 0) {
    const space = source.lastIndexOf(' ', start);
    if (space >= 0 && start - space < 15) start = space + 1;
  }
  if (end < source.length) {
    const space = source.indexOf(' ', end);
    if (space >= 0 && space - end < 15) end = space;
  }
  const inWindow = mergeRanges(hits.filter((h) => h.start >= start && h.end <= end));
  let html = '';
  let pos = start;
  for (const h of inWindow) {
    html += escapeHtml(source.slice(pos, h.start)) + '<mark>' + escapeHtml(source.slice(h.start, h.end)) + '</mark>';
    pos = h.end;
  }
  html += escapeHtml(source.slice(pos, end));
  const pre = start > 0 ? '…' : '';
  const post = end < source.length ? '…' : '';
  return { html: pre + html + post, text: pre + source.slice(start, end) + post };
}

function analyzerHits(analyzer: Analyzer, source: string, wanted: Map<string, number>): { start: number; end: number; group: number }[] {
  const hits: { start: number; end: number; group: number }[] = [];
  for (const t of analyzer.analyze(source)) {
    const group = wanted.get(t.term);
    if (group !== undefined) hits.push({ start: t.start, end: t.end, group });
  }
  return hits.sort((a, b) => a.start - b.start || b.end - a.end);
}

function mergeRanges(hits: { start: number; end: number }[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && h.start <= last.end) last.end = Math.max(last.end, h.end);
    else out.push({ start: h.start, end: h.end });
  }
  return out;
}

function normalizeForDisplay(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
