import { Analyzer } from '../../../../src/modules/search/analyzer';
import { snippet } from '../../../../src/modules/search/snippet';

const analyzer = new Analyzer();
const terms = (s: string) => analyzer.terms(s);

describe('Analyzer', () => {
  it('cuts Chinese into words with the department vocabulary, not into characters or one blob', () => {
    expect(terms('空调制冷效果差的排查方法')).toEqual(expect.arrayContaining(['空调', '制冷效果差', '排查', '方法']));
    expect(terms('洗衣机底下有水')).toEqual(expect.arrayContaining(['洗衣机', '底下有水']));
    expect(terms('空调制冷效果差的排查方法')).not.toContain('的');
  });

  it('keeps a very long word unstemmed and cut, and still finds it by the same word', () => {
    // the stemmer's patterns are quadratic (bench figures in BENCHMARKS.md): such words are left as they are
    const word = 'x'.repeat(10_000);
    const indexed = terms(`${word} washer`);
    expect(indexed).toEqual(expect.arrayContaining(['washer']));
    expect(indexed.find((t) => t.startsWith('xxx'))!.length).toBeLessThanOrEqual(100);
    expect(terms(word).some((t) => indexed.includes(t))).toBe(true);
    expect(terms('draining')).toEqual(terms('drained')); // ordinary words are still stemmed
  });

  it('keeps codes and model numbers whole, whatever their width or hyphen', () => {
    expect(terms('我家的AC-3500空调显示E4')).toEqual(expect.arrayContaining(['ac3500', 'e4']));
    expect(terms('ＡＣ－３５００ Ｅ４')).toEqual(expect.arrayContaining(['ac3500', 'e4']));
    expect(terms('AC-3500')).not.toContain('3500');
    expect(analyzer.contains('面板显示E4', 'E4')).toBe(true);
    expect(analyzer.contains('面板显示E41', 'E4')).toBe(false);
  });

  it('gives synonyms in both languages one concept', () => {
    const concept = (s: string) => terms(s).filter((t) => t.startsWith('~'));
    expect(concept('不制冷')).toEqual(concept('制冷效果差'));
    expect(concept('漏水')).toContain('~leak');
    expect(concept('渗水')).toContain('~leak');
    expect(concept('底下有水')).toContain('~leak');
    expect(concept('排水慢')).toContain('~nodrain');
    expect(concept("won't drain")).toContain('~nodrain');
    expect(concept('not draining')).toContain('~nodrain');
    expect(concept('washing machine')).toContain('~washer');
    // a customer who wants their money back says 退钱 as often as 退款
    expect(concept('申请退钱')).toContain('~return');
    expect(concept('我要退款')).toContain('~return');
    expect(concept('refund please')).toContain('~return');
    expect(concept('洗衣机')).toContain('~washer');
  });

  it('lowercases, stems and drops English stop words', () => {
    expect(terms('The Filters are Leaking')).toEqual(expect.arrayContaining(['filter', 'leak']));
    expect(terms('The Filters are Leaking')).not.toContain('the');
  });

  it('answers contains() by words, so a Chinese condition is not a substring test', () => {
    expect(analyzer.contains('客户说洗衣机底下有水', '漏水')).toBe(true);
    expect(analyzer.contains('客户说洗衣机底下有水', '洗衣机漏水')).toBe(true);
    expect(analyzer.contains('客户说空调不制冷', '洗衣机')).toBe(false);
    expect(analyzer.contains('anything', '的')).toBe(false);
  });

});

describe('snippet', () => {
  it('marks the hit, synonyms included, and escapes the text', () => {
    const s = snippet(analyzer, 'Intro <b>bold</b>. 如果洗衣机底下有水，请先断电。', analyzer.query('漏水'));
    expect(s.html).toContain('<mark>底下有水</mark>');
    expect(s.html).toContain('&lt;b&gt;');
    expect(s.html).not.toContain('<b>');
    expect(s.text).toContain('底下有水');
  });
});
