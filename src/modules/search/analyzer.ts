import crypto from 'node:crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import stem from 'wink-porter2-stemmer';
import { CONCEPTS, EXTRA_WORDS, STOP_EN, STOP_ZH } from './vocabulary';

/** One term of analysed text, with where it stands in the normalised text (for snippets). */
export interface Token {
  term: string;
  start: number;
  end: number;
  /** a part of a longer Chinese word (`洗衣` of `洗衣机`): found, but weighs less */
  sub?: boolean;
  /** a concept (`~leak`) standing for the words it spans */
  concept?: boolean;
}

/** One word of a query: any of its alternatives matches it, each with a weight (1 for the word itself). */
export interface QueryGroup {
  text: string;
  alternatives: { term: string; weight: number }[];
}

const HAN_RUN = /\p{Script=Han}+/u;
// a Han run, or a run of letters/digits joined by - _ . and apostrophes (AC-3500, e4, won't, 3.5)
const LATIN = String.raw`(?:(?!\p{Script=Han})[\p{L}\p{N}])+`;
const TOKEN = new RegExp(String.raw`\p{Script=Han}+|${LATIN}(?:[-_.'’]${LATIN})*`, 'gu');
const HAS_DIGIT = /\p{N}/u;
const HAS_LETTER = /\p{L}/u;
const MAX_TEXT = 200_000;
const SUB_WEIGHT = 0.5;
const SPANNED_WEIGHT = 0.7;

/** The version of the analysis: a changed vocabulary or algorithm makes a new index. */
export const ANALYSIS_VERSION = crypto
  .createHash('sha1')
  .update(JSON.stringify([CONCEPTS, EXTRA_WORDS, STOP_ZH, STOP_EN, 'v1']))
  .digest('hex')
  .slice(0, 8);

interface PhraseNode {
  next: Map<string, PhraseNode>;
  concept?: string;
}

/**
 * The text analysis every search in Aftercare shares (knowledge base, help centre, tickets, and
 * "contains" conditions of rules): NFKC normalisation (full-width letters and digits become
 * ASCII), Chinese word segmentation with jieba and the department's dictionary, codes and model
 * numbers as one token (`AC-3500` → `ac3500`, `E4` → `e4`), English lowercasing, Porter2 stemming
 * and stop words, and the concepts of the vocabulary (synonyms across both languages).
 *
 * Build it once per process (loading the dictionary takes about 200 ms) and share it.
 */
export class Analyzer {
  private readonly jieba: Jieba;
  private readonly stopZh = new Set(STOP_ZH);
  private readonly stopEn = new Set(STOP_EN.map((w) => stem(w)).concat(STOP_EN));
  private readonly phrases: PhraseNode = { next: new Map() };
  private readonly zhConcepts = new Map<string, string>();

  constructor() {
    this.jieba = Jieba.withDict(dict);
    const lines: string[] = [];
    for (const c of CONCEPTS) for (const w of c.zh) lines.push(`${w} 20000`);
    for (const w of EXTRA_WORDS) lines.push(`${w} 5000`);
    this.jieba.loadDict(Buffer.from(lines.join('\n') + '\n'));
    for (const c of CONCEPTS) {
      for (const w of c.zh) this.zhConcepts.set(normalize(w), `~${c.id}`);
      for (const phrase of c.en) this.addPhrase(this.baseTokens(normalize(phrase)).map((t) => t.term), `~${c.id}`);
    }
  }

  /** Index-time analysis: every term of `text` with its position, concepts and sub-words included. */
  analyze(text: string): Token[] {
    const norm = normalize(text.slice(0, MAX_TEXT));
    const base = this.baseTokens(norm);
    const out: Token[] = [];
    for (const t of this.concepts(base)) out.push(t);
    for (const t of base) {
      if (!this.isStop(t.term)) out.push(t);
      if (t.term.length >= 3 && HAN_RUN.test(t.term)) out.push(...this.subwords(t));
    }
    return out;
  }

  /** The distinct terms of `text` (what an index stores). */
  terms(text: string): string[] {
    return [...new Set(this.analyze(text).map((t) => t.term))];
  }

  /**
   * Query-time analysis: one group per meaningful word. A concept's group also accepts the words it
   * spans, and a long Chinese word's group its parts, at a lower weight.
   */
  query(q: string): QueryGroup[] {
    const norm = normalize(q.slice(0, 1000));
    const base = this.baseTokens(norm);
    const concepts = this.concepts(base);
    const groups: QueryGroup[] = [];
    const covered = new Set<number>();
    for (const c of concepts) {
      const alternatives = new Map<string, number>([[c.term, 1]]);
      base.forEach((t, i) => {
        if (t.start >= c.start && t.end <= c.end) {
          covered.add(i);
          if (!this.isStop(t.term)) alternatives.set(t.term, Math.max(alternatives.get(t.term) ?? 0, c.start === t.start && c.end === t.end ? 1 : SPANNED_WEIGHT));
          for (const s of this.subwords(t)) if (!alternatives.has(s.term)) alternatives.set(s.term, SUB_WEIGHT);
        }
      });
      groups.push({ text: norm.slice(c.start, c.end), alternatives: [...alternatives].map(([term, weight]) => ({ term, weight })) });
    }
    base.forEach((t, i) => {
      if (covered.has(i) || this.isStop(t.term)) return;
      const alternatives = [{ term: t.term, weight: 1 }, ...this.subwords(t).map((s) => ({ term: s.term, weight: SUB_WEIGHT }))];
      groups.push({ text: norm.slice(t.start, t.end), alternatives: dedupe(alternatives) });
    });
    // the same word twice in a query is one word
    const seen = new Set<string>();
    return groups.filter((g) => {
      const key = g.alternatives.map((a) => a.term).sort().join('|');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * Whether `text` contains every word of `query` in this analysis: `contains` conditions on
   * Chinese text (`漏水` is contained in `洗衣机底下有水`, `E4` in `显示E4`, but `E4` not in `E41`).
   */
  contains(text: string, query: string): boolean {
    const groups = this.query(query);
    if (!groups.length) return false;
    const terms = new Set(this.terms(text));
    return groups.every((g) => g.alternatives.some((a) => a.weight >= 1 && terms.has(a.term)));
  }

  // ---- internals -------------------------------------------------------------------------------

  /** Words in order, stop words included (concept phrases need them): Han runs cut by jieba, others stemmed. */
  private baseTokens(norm: string): Token[] {
    const out: Token[] = [];
    for (const m of norm.matchAll(TOKEN)) {
      const word = m[0];
      const at = m.index;
      if (HAN_RUN.test(word[0])) {
        let pos = at;
        for (const piece of this.jieba.cut(word, true)) {
          out.push({ term: piece, start: pos, end: pos + piece.length });
          pos += piece.length;
        }
      } else {
        const term = latinTerm(word);
        if (term) out.push({ term, start: at, end: at + word.length });
      }
    }
    return out;
  }

  private subwords(t: Token): Token[] {
    if (t.term.length < 3 || !HAN_RUN.test(t.term)) return [];
    const out: Token[] = [];
    const seen = new Set<string>([t.term]);
    for (const piece of this.jieba.cutForSearch(t.term, true)) {
      if (seen.has(piece) || this.isStop(piece)) continue;
      seen.add(piece);
      const offset = t.term.indexOf(piece);
      out.push({ term: piece, start: t.start + offset, end: t.start + offset + piece.length, sub: true });
    }
    return out;
  }

  private concepts(base: Token[]): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < base.length; i++) {
      const zh = this.zhConcepts.get(base[i].term);
      if (zh) out.push({ term: zh, start: base[i].start, end: base[i].end, concept: true });
      let node: PhraseNode | undefined = this.phrases;
      let longest: { concept: string; end: number } | null = null;
      for (let j = i; j < base.length && node; j++) {
        node = node.next.get(base[j].term);
        if (node?.concept) longest = { concept: node.concept, end: base[j].end };
      }
      if (longest && longest.concept !== zh) out.push({ term: longest.concept, start: base[i].start, end: longest.end, concept: true });
    }
    return out;
  }

  private addPhrase(terms: string[], concept: string): void {
    if (!terms.length) return;
    let node = this.phrases;
    for (const t of terms) {
      let next = node.next.get(t);
      if (!next) node.next.set(t, (next = { next: new Map() }));
      node = next;
    }
    node.concept = concept;
  }

  private isStop(term: string): boolean {
    return this.stopZh.has(term) || this.stopEn.has(term);
  }
}

/** NFKC (full-width → ASCII, compatibility forms) and lowercase; one character stays one character for CJK. */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * A latin-script word as a term: codes and model numbers (letters with digits: `ac-3500`, `e4`)
 * lose their separators and stay whole; words lose apostrophes (`won't` → `wont`) and are stemmed.
 */
function latinTerm(word: string): string {
  if (HAS_DIGIT.test(word)) return HAS_LETTER.test(word) ? word.replace(/[-_.'’]/g, '') : word.replace(/[-_'’]/g, '');
  const plain = word.replace(/['’]/g, '');
  if (plain.includes('-') || plain.includes('.') || plain.includes('_')) return plain.split(/[-_.]/).map((p) => stem(p)).join('');
  return stem(plain);
}

function dedupe(alternatives: { term: string; weight: number }[]): { term: string; weight: number }[] {
  const best = new Map<string, number>();
  for (const a of alternatives) best.set(a.term, Math.max(best.get(a.term) ?? 0, a.weight));
  return [...best].map(([term, weight]) => ({ term, weight }));
}
