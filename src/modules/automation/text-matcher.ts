/**
 * How a rule's "contains" reads text. The search module's analyzer (`Analyzer.contains`) is the real
 * one: words, not characters, for Chinese (退款 in 我要退款, and in 申请退钱 where its synonyms say so),
 * model numbers whole. Until it is wired in, the fallback compares width- and case-folded substrings.
 */
export interface TextMatcher {
  contains(text: string, query: string): boolean;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

export const substringMatcher: TextMatcher = {
  contains: (text, query) => {
    const q = fold(query).trim();
    return q.length > 0 && fold(text).includes(q);
  },
};
