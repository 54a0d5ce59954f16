import { average, csvCell, median, percentile, ratio, toCsv, toSec } from '../../../../src/modules/reports/report.figures';

describe('report figures', () => {
  it('takes medians (mean of the middle two for an even count) and nearest-rank percentiles', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([10, 1, 4, 2])).toBe(3);
    expect(percentile([], 90)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([300, 100, 200], 90)).toBe(300);
    // numeric, not lexicographic, order
    expect(median([100000, 9, 80])).toBe(80);
  });

  it('rounds ratios to 4 decimals, averages to 2, and says null for 0/0', () => {
    expect(ratio(2, 3)).toBe(0.6667);
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(0, 0)).toBeNull();
    expect(average(11, 3)).toBe(3.67);
    expect(average(0, 0)).toBeNull();
    expect(toSec(1499)).toBe(1);
    expect(toSec(null)).toBeNull();
  });

  it('writes RFC 4180 CSV: quotes commas, quotes and line breaks; defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('Returns, exchanges')).toBe('"Returns, exchanges"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell('王敏')).toBe('王敏');
    expect(toCsv(['key', 'n'], [{ key: 'a,b', n: 1 }, { key: 'c', n: null }])).toBe('key,n\r\n"a,b",1\r\nc,\r\n');
  });
});
