import { parseKbHash, splitList } from '../../../console/components/kb/kb-types';

describe('knowledge-base addresses in the console', () => {
  it('reads the list, an article, a new one from a ticket or as a translation', () => {
    expect(parseKbHash('#/kb')).toEqual({ page: 'list' });
    expect(parseKbHash('#/kb/')).toEqual({ page: 'list' });
    expect(parseKbHash('#/kb/0123456789abcdef01234567')).toEqual({ page: 'edit', id: '0123456789abcdef01234567', ticket: null, translationOf: null });
    expect(parseKbHash('#/kb/new')).toEqual({ page: 'edit', id: null, ticket: null, translationOf: null });
    expect(parseKbHash('#/kb/new?ticket=42')).toEqual({ page: 'edit', id: null, ticket: 42, translationOf: null });
    expect(parseKbHash('#/kb/new?translationOf=0123456789abcdef01234567')).toEqual({ page: 'edit', id: null, ticket: null, translationOf: '0123456789abcdef01234567' });
  });

  it('ignores what is not an address of its own', () => {
    expect(parseKbHash('#/ticket/12')).toBeNull();
    expect(parseKbHash('#/kbx')).toBeNull();
    expect(parseKbHash('#/kb/new?ticket=-3')).toEqual({ page: 'edit', id: null, ticket: null, translationOf: null });
    expect(parseKbHash('#/kb/new?translationOf=<script>')).toEqual({ page: 'edit', id: null, ticket: null, translationOf: null });
    expect(parseKbHash('#/kb/not-an-id')).toEqual({ page: 'list' });
  });

  it('splits models and tags typed with either comma, once each', () => {
    expect(splitList(' AC-3500，WM-800 , AC-3500;; ')).toEqual(['AC-3500', 'WM-800']);
    expect(splitList('')).toEqual([]);
  });
});
