import { computeWarranty, purchaseInstant, warrantyOf, type WarrantySubject } from '../../../../src/modules/units/warranty';

const TZ = 'Asia/Shanghai';
const terms = { warrantyMonths: 12, returnDays: 7, exchangeDays: 15 };
// bought 1 March 2024 at 00:30 Shanghai time, which is still 29 February in UTC
const bought = new Date('2024-02-29T16:30:00Z');
const unit = (over: Partial<WarrantySubject> = {}): WarrantySubject => ({ purchaseDate: bought, terms, ...over });
/** an instant at hh:mm Shanghai time on a March 2024 / 2025 day */
const sh = (isoLocal: string) => new Date(`${isoLocal}+08:00`);

describe('warrantyOf: the three-guarantees rule counted in whole days in the organisation time zone', () => {
  it.each([
    ['day 0, the purchase day', '2024-03-01T23:59:00', 0, ['return', 'exchange', 'repair'], 'return_window'],
    ['day 7, the last return day', '2024-03-08T23:59:59', 7, ['return', 'exchange', 'repair'], 'return_window'],
    ['day 8, first exchange-only day', '2024-03-09T00:00:00', 8, ['exchange', 'repair'], 'exchange_window'],
    ['day 15, the last exchange day', '2024-03-16T18:00:00', 15, ['exchange', 'repair'], 'exchange_window'],
    ['day 16, repair only', '2024-03-17T00:00:01', 16, ['repair'], 'in_warranty'],
    ['the last warranty day (same date 12 months later)', '2025-03-01T23:59:59', 365, ['repair'], 'in_warranty'],
    ['the day after the warranty', '2025-03-02T00:00:00', 366, ['paid_repair'], 'out_of_warranty'],
  ])('%s', (_label, local, days, entitlement, code) => {
    const w = warrantyOf(unit(), sh(local), TZ);
    expect(w.daysSincePurchase).toBe(days);
    expect(w.entitlement).toEqual(entitlement);
    expect(w.reason.code).toBe(code);
    expect(w.status).toBe(code === 'out_of_warranty' ? 'out' : 'in');
    expect(w.lastDay).toBe('2025-03-01');
    expect(w.until).toBe('2025-03-01T15:59:59.999Z');
  });

  it('counts days at the organisation\'s midnight, not at UTC midnight', () => {
    // 7 days after purchase in Shanghai ends at 2024-03-08 24:00 +08:00 = 16:00 UTC
    expect(warrantyOf(unit(), new Date('2024-03-08T15:59:59Z'), TZ).entitlement).toEqual(['return', 'exchange', 'repair']);
    expect(warrantyOf(unit(), new Date('2024-03-08T16:00:00Z'), TZ).entitlement).toEqual(['exchange', 'repair']);
    // the same instants judged in UTC fall a day earlier: the purchase was 29 February there
    expect(computeWarranty(unit(), new Date('2024-03-07T23:59:59Z'), 'UTC').daysSincePurchase).toBe(7);
    expect(computeWarranty(unit(), new Date('2024-03-08T00:00:00Z'), 'UTC').daysSincePurchase).toBe(8);
  });

  it('says why, in English and Chinese', () => {
    const w = warrantyOf(unit(), sh('2024-03-10T12:00:00'), TZ);
    expect(w.reason).toEqual({ code: 'exchange_window', days: 9, en: 'purchased 9 days ago: exchange or repair', 'zh-CN': '购买 9 天：可换货或维修' });
    expect(warrantyOf(unit(), sh('2024-03-01T08:00:00'), TZ).reason.en).toBe('purchased today: return, exchange or repair');
    expect(warrantyOf(unit(), sh('2024-03-02T08:00:00'), TZ).reason['zh-CN']).toBe('购买 1 天：可退货、换货或维修');
    expect(warrantyOf(unit(), sh('2025-04-01T08:00:00'), TZ).reason.en).toBe('purchased 396 days ago, warranty ended on 2025-03-01: paid repair');
  });

  it('ends a month-based warranty on the last day of a shorter month', () => {
    const w = computeWarranty({ purchaseDate: sh('2024-01-31T10:00:00'), terms: { ...terms, warrantyMonths: 1 } }, sh('2024-02-29T23:00:00'), TZ);
    expect(w.lastDay).toBe('2024-02-29');
    expect(w.status).toBe('in');
    expect(computeWarranty({ purchaseDate: sh('2024-01-31T10:00:00'), terms: { ...terms, warrantyMonths: 1 } }, sh('2024-03-01T00:00:00'), TZ).entitlement).toEqual(['paid_repair']);
  });

  it('uses the model\'s own windows', () => {
    const long = { warrantyMonths: 36, returnDays: 30, exchangeDays: 60 };
    expect(computeWarranty({ purchaseDate: bought, terms: long }, sh('2024-03-31T12:00:00'), TZ).entitlement).toEqual(['return', 'exchange', 'repair']);
    expect(computeWarranty({ purchaseDate: bought, terms: long }, sh('2024-04-01T12:00:00'), TZ).entitlement).toEqual(['exchange', 'repair']);
  });

  it('keeps an explicit last warranty day of older records, and judges units without a purchase date by it', () => {
    const until = new Date('2024-12-31T10:00:00Z');
    expect(computeWarranty({ purchaseDate: bought, warrantyUntil: until, terms }, sh('2024-12-31T23:00:00'), TZ)).toMatchObject({ status: 'in', lastDay: '2024-12-31', entitlement: ['repair'] });
    expect(computeWarranty({ purchaseDate: null, warrantyUntil: until, terms: null }, sh('2024-06-01T00:00:00'), TZ)).toMatchObject({ status: 'in', daysSincePurchase: null, entitlement: ['repair'], reason: { code: 'no_purchase_date_in' } });
    expect(computeWarranty({ purchaseDate: null, warrantyUntil: until, terms: null }, sh('2025-01-01T00:00:00'), TZ)).toMatchObject({ status: 'out', entitlement: ['paid_repair'] });
    expect(computeWarranty({ purchaseDate: null, terms }, sh('2024-06-01T00:00:00'), TZ)).toMatchObject({ status: 'out', until: null, reason: { code: 'no_purchase_date_out' } });
  });

  it('gives the 三包 windows but no free repair to a model the catalogue lacks', () => {
    expect(computeWarranty({ purchaseDate: bought, terms: null }, sh('2024-03-05T00:00:00'), TZ).entitlement).toEqual(['return', 'exchange', 'repair']);
    expect(computeWarranty({ purchaseDate: bought, terms: null }, sh('2024-04-05T00:00:00'), TZ)).toMatchObject({ status: 'out', reason: { code: 'unknown_terms' } });
  });

  describe('an override', () => {
    const by = { id: 'a1', name: 'Zhou Qiang' };
    const at = new Date('2025-04-02T02:00:00Z');
    it('out of warranty on an in-warranty unit leaves paid repair only, with the computed answer beside it', () => {
      const w = warrantyOf(unit({ override: { status: 'out', reason: 'water damage, not a performance fault', by, at } }), sh('2024-03-05T12:00:00'), TZ);
      expect(w).toMatchObject({ status: 'out', entitlement: ['paid_repair'], override: { status: 'out', reason: 'water damage, not a performance fault', by, at: at.toISOString() } });
      expect(w.computed).toMatchObject({ status: 'in', entitlement: ['return', 'exchange', 'repair'], reason: { code: 'return_window' } });
      expect(w.reason.en).toBe('out of warranty by decision of Zhou Qiang: water damage, not a performance fault');
    });
    it('in warranty on an expired unit grants free repair (not a return)', () => {
      const w = warrantyOf(unit({ override: { status: 'in', reason: 'goodwill: fault reported before expiry', by, at } }), sh('2025-04-01T12:00:00'), TZ);
      expect(w).toMatchObject({ status: 'in', entitlement: ['repair'], computed: { status: 'out', entitlement: ['paid_repair'] } });
      expect(w.reason['zh-CN']).toBe('Zhou Qiang 判定为保修期内：goodwill: fault reported before expiry');
    });
    it('in warranty inside the return window keeps the window', () => {
      expect(warrantyOf(unit({ override: { status: 'in', reason: 'confirmed', by, at } }), sh('2024-03-03T12:00:00'), TZ).entitlement).toEqual(['return', 'exchange', 'repair']);
    });
  });
});

describe('purchaseInstant', () => {
  it('reads a date as that day\'s midnight in the organisation time zone and keeps a date-time as it is', () => {
    expect(purchaseInstant('2024-03-01', TZ).toISOString()).toBe('2024-02-29T16:00:00.000Z');
    expect(purchaseInstant('2024-03-01', 'Europe/Berlin').toISOString()).toBe('2024-02-29T23:00:00.000Z');
    expect(purchaseInstant('2024-03-01T10:00:00+02:00', TZ).toISOString()).toBe('2024-03-01T08:00:00.000Z');
  });
});
