import { legsOf, type MoveInput } from '../../../../src/modules/parts/stock.ledger';
import { summarize } from '../../../../src/modules/parts/workorder-parts.service';
import type { MoveDoc } from '../../../../src/modules/parts/parts.model';
import { SYSTEM } from '../../../../src/core/types';

const central = { location: 'central', condition: 'new' as const };
const van = { location: 'engineer:0123456789abcdef01234567', condition: 'new' as const };
const move = (m: Partial<MoveInput>): MoveInput => ({ ref: 'r', sku: 'S', qty: 2, reason: 'receive', by: SYSTEM, ...m });

describe('legsOf: the rows a move changes, debit first', () => {
  it('moves on hand and available together, and a reservation only between available and reserved', () => {
    expect(legsOf(move({ reason: 'receive', to: central })).map((l) => [l.row, l.delta])).toEqual([['S|central|new', { onHand: 2, reserved: 0, available: 2 }]]);
    expect(legsOf(move({ reason: 'transfer', from: central, to: van })).map((l) => [l.location, l.delta])).toEqual([
      ['central', { onHand: -2, reserved: 0, available: -2 }],
      [van.location, { onHand: 2, reserved: 0, available: 2 }],
    ]);
    expect(legsOf(move({ reason: 'reserve', from: van }))[0].delta).toEqual({ onHand: 0, reserved: 2, available: -2 });
    expect(legsOf(move({ reason: 'release', from: van }))[0].delta).toEqual({ onHand: 0, reserved: -2, available: 2 });
    expect(legsOf(move({ reason: 'consume', bucket: 'reserved', from: van }))[0].delta).toEqual({ onHand: -2, reserved: -2, available: 0 });
    expect(legsOf(move({ reason: 'consume', bucket: 'available', from: van }))[0].delta).toEqual({ onHand: -2, reserved: 0, available: -2 });
    // every leg keeps available = onHand - reserved
    for (const m of [move({ reason: 'reserve', from: van }), move({ reason: 'consume', bucket: 'reserved', from: van }), move({ reason: 'scrap', from: central })]) {
      for (const l of legsOf(m)) expect(l.delta.available).toBe(l.delta.onHand - l.delta.reserved);
    }
  });

  it('refuses moves that name the wrong places or no whole quantity', () => {
    expect(() => legsOf(move({ reason: 'transfer', from: central }))).toThrow(/needs to/);
    expect(() => legsOf(move({ reason: 'transfer', from: central, to: central }))).toThrow(/somewhere else/);
    expect(() => legsOf(move({ reason: 'receive', from: central, to: central }))).toThrow(/has no from/);
    expect(() => legsOf(move({ reason: 'adjust', from: central, to: van }))).toThrow(/either adds/);
    expect(() => legsOf(move({ reason: 'return_defective', to: central }))).toThrow(/defective/);
    expect(() => legsOf(move({ qty: 1.5, to: central }))).toThrow(/whole number/);
    expect(() => legsOf(move({ qty: 0, to: central }))).toThrow(/whole number/);
  });
});

describe("summarize: what a work order holds, from its applied moves", () => {
  const m = (reason: string, qty: number, location: string, bucket?: 'reserved' | 'available', state = 'applied') =>
    ({ reason, state, qty, legs: legsOf(move({ reason: reason as MoveInput['reason'], qty, from: { location, condition: 'new' }, bucket })) }) as unknown as MoveDoc;
  it('counts reserved, consumed and released per location and ignores moves not applied', () => {
    const rows = summarize([m('reserve', 3, 'central'), m('consume', 2, 'central', 'reserved'), m('release', 1, 'central'), m('reserve', 5, 'central', undefined, 'rejected'), m('consume', 1, van.location, 'available')]);
    expect(rows).toEqual([
      { sku: 'S', location: 'central', reserved: 3, consumed: 2, released: 1, open: 0 },
      { sku: 'S', location: van.location, reserved: 0, consumed: 1, released: 0, open: 0 },
    ]);
  });
});
