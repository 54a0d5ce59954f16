import type { FieldPayload } from '../../../../src/modules/fields/field.payloads';
import { checkValues, customerFieldValues, missingOnSolve } from '../../../../src/modules/fields/field.values';

const field = (over: Partial<FieldPayload>): FieldPayload => ({ key: 'k', label: { en: 'K', 'zh-CN': 'K' }, type: 'text', options: [], required: false, scope: { types: [], teams: [] }, customerVisible: false, appliesTo: 'ticket', order: 0, active: true, ...over });

describe('custom field values', () => {
  const defs = new Map<string, FieldPayload>([
    ['visit_date', field({ key: 'visit_date', type: 'date' })],
    ['hours', field({ key: 'hours', type: 'number' })],
    ['under_contract', field({ key: 'under_contract', type: 'checkbox' })],
    ['code', field({ key: 'code', type: 'select', options: [{ value: 'E4', label: { en: 'E4', 'zh-CN': 'E4' } }], required: true, scope: { types: ['fault'], teams: [] } })],
  ]);
  const ctx = { type: 'fault', team: 'tech' };

  it('stores each type in one form, and names every value that does not fit', () => {
    expect(checkValues(defs, { visit_date: '2030-02-28', hours: '1.5', under_contract: 'true', code: 'E4' }, ctx)).toEqual({ values: { visit_date: '2030-02-28', hours: 1.5, under_contract: true, code: 'E4' }, issues: [] });
    const { issues } = checkValues(defs, { visit_date: '2030-02-30', hours: 'two', under_contract: 'yes', code: 'E5', colour: 'red' }, ctx);
    expect(issues.map((i) => [i.field, i.code])).toEqual([['visit_date', 'type'], ['hours', 'type'], ['under_contract', 'type'], ['code', 'option'], ['colour', 'unknown']]);
    expect(checkValues(defs, { code: 'E4' }, { type: 'inquiry', team: 'tech' }).issues).toEqual([expect.objectContaining({ field: 'code', code: 'scope' })]);
    expect(checkValues(defs, { code: null, hours: '' }, { type: 'inquiry', team: 'tech' })).toEqual({ values: { code: null, hours: null }, issues: [] });
  });

  it('requires a field on solve only where it applies', () => {
    expect(missingOnSolve(defs.values(), { ...ctx, fields: {} }).map((i) => i.field)).toEqual(['code']);
    expect(missingOnSolve(defs.values(), { ...ctx, fields: { code: 'E4' } })).toEqual([]);
    expect(missingOnSolve(defs.values(), { type: 'inquiry', team: 'tech', fields: {} })).toEqual([]);
  });

  it('gives a customer only the fields they may see, in their language', () => {
    const defs = [
      field({ key: 'slot', type: 'select', customerVisible: true, options: [{ value: 'am', label: { en: 'morning', 'zh-CN': '上午' } }] }),
      field({ key: 'contract', type: 'checkbox', customerVisible: true }),
      field({ key: 'visit', type: 'date', customerVisible: true }),
      field({ key: 'internal', type: 'text' }),
    ];
    const values = { slot: 'am', contract: false, visit: '2031-03-04', internal: 'do not show' };
    expect(customerFieldValues(defs, values, 'zh-CN')).toEqual({ 'fields.slot': '上午', 'fields.contract': '否', 'fields.visit': '2031-03-04' });
    expect(customerFieldValues(defs, values, 'en')).toEqual({ 'fields.slot': 'morning', 'fields.contract': 'no', 'fields.visit': '2031-03-04' });
    expect(customerFieldValues(defs, { slot: null }, 'en')).toEqual({});
  });
});
