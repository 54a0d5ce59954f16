import { yuan } from '../../../../src/modules/quotes/quote.service';
import { QuoteTokens } from '../../../../src/modules/quotes/quote.token';

describe('quote money and links', () => {
  it('writes fen as yuan with integers only', () => {
    expect(yuan(36800)).toBe('¥368.00');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(123456789)).toBe('¥1,234,567.89');
  });

  it('signs a quote id so that the link proves it and nothing else passes', () => {
    const tokens = new QuoteTokens('a-session-secret-of-the-tests');
    const id = '0123456789abcdef01234567';
    const token = tokens.sign(id);
    expect(tokens.verify(token)).toBe(id);
    expect(tokens.verify(`${token}x`)).toBeNull();
    expect(tokens.verify(token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
    expect(new QuoteTokens('another-secret-entirely-here').verify(token)).toBeNull();
    expect(tokens.verify('a.b.c')).toBeNull();
  });
});
