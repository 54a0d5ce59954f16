import { durationParts, isoDuration, isoDurationMs, parseDuration } from '../../../src/infra/duration';

describe('the one ISO 8601 duration parser', () => {
  it('reads weeks, days, hours, minutes and seconds', () => {
    expect(parseDuration('PT1H')).toBe(3_600_000);
    expect(parseDuration('P2D')).toBe(172_800_000);
    expect(parseDuration('P1W')).toBe(604_800_000);
    expect(parseDuration('P1DT4H30M')).toBe((24 + 4.5) * 3_600_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(durationParts('P1DT2M')).toEqual({ weeks: 0, days: 1, hours: 0, minutes: 2, seconds: 0 });
  });

  it.each(['', 'P', 'PT', 'P1M', 'P1Y', 'PT1H30', '1H', 'P-1D', 'P1DT', 'pt1h'])('refuses %j', (iso) => {
    expect(() => parseDuration(iso)).toThrow(/ISO 8601 duration/);
    expect(isoDuration.safeParse(iso).success).toBe(false);
  });

  it('gives config its milliseconds and its default', () => {
    expect(isoDurationMs('PT1H').parse(undefined)).toBe(3_600_000);
    expect(isoDurationMs('PT1H').parse('P3D')).toBe(259_200_000);
    expect(isoDurationMs('PT1H').safeParse('soon').success).toBe(false);
  });

  it('refuses long hostile input (the pattern has no nested repetition, so it is linear)', () => {
    expect(() => parseDuration(`P${'1'.repeat(50_000)}X`)).toThrow();
    expect(() => parseDuration(`PT${'1.1'.repeat(20_000)}S`)).toThrow();
  });
});
