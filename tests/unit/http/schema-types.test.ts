import { badText, documentedAs, email, intParam, boundedDuration, listParam } from '../../../src/http/schema-types';

describe('request schema building blocks', () => {
  it('intParam takes decimal digits only, within its bounds', () => {
    const limit = intParam({ min: 1, max: 100 });
    expect(limit.parse('5')).toBe(5);
    expect(limit.parse('007')).toBe(7);
    for (const bad of [' 5', '5 ', '0x10', '1e1', '', '5.0', '-1', '0', '101', '+5', '１２']) expect({ bad, ok: limit.safeParse(bad).success }).toEqual({ bad, ok: false });
  });

  it('email() keeps to the RFC 5321 lengths: 64 before the @, 254 in all', () => {
    const e = email();
    expect(e.safeParse(`${'a'.repeat(64)}@example.com`).success).toBe(true);
    expect(e.safeParse(`${'a'.repeat(65)}@example.com`).success).toBe(false);
    expect(e.safeParse(`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(57)}.com`).success).toBe(false); // 255 characters
  });

  it('boundedDuration() bounds durations, so no due date becomes an Invalid Date', () => {
    const target = boundedDuration({ min: 1000, max: 366 * 86400_000, what: 'PT1S and P366D' });
    for (const ok of ['PT1S', 'PT1H', 'P2D', 'P1DT4H30M', 'P52W']) expect(target.safeParse(ok).success).toBe(true);
    for (const bad of ['P89840051385W', 'P367D', 'PT0S', 'PT0.1S', 'P1M', 'P1Y', '1 hour', 'P', 'PT']) expect({ bad, ok: target.safeParse(bad).success }).toEqual({ bad, ok: false });
  });

  it('listParam() takes comma-separated and repeated values of its enum', () => {
    const status = listParam(['new', 'open', 'solved'] as const);
    expect(status.parse('new,open')).toEqual(['new', 'open']);
    expect(status.parse(['new', 'solved'])).toEqual(['new', 'solved']);
    expect(status.safeParse('new,asap').success).toBe(false);
    // exactly the documented values: an empty item (kind=) or a padded one is refused, not dropped
    for (const bad of ['', 'new,', ' new', ['new', '']]) expect({ bad, ok: status.safeParse(bad).success }).toEqual({ bad, ok: false });
  });

  it('badText() names NUL, control characters, lone surrogates and U+FFFD, and lets text through', () => {
    expect(badText('a\u0000b')).toMatch(/NUL/);
    expect(badText('\u001b[31mred')).toMatch(/control/);
    expect(badText('x\ud800')).toMatch(/surrogate/);
    expect(badText('caf\ufffd')).toMatch(/UTF-8/);
    expect(badText('第一行\n第二行\tand 😀 emoji\r\n')).toBeNull();
  });


  it('are documented as what they mean: integers and lists, not strings', () => {
    expect(documentedAs.get(intParam({ min: 1, max: 9 }))).toEqual({ type: 'integer', minimum: 1, maximum: 9 });
    expect(documentedAs.get(listParam(['a', 'b'] as const))).toEqual({ type: 'array', items: { type: 'string', enum: ['a', 'b'] } });
  });
});
