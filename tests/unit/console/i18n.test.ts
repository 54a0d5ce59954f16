import { catalog } from '../../../console/i18n/catalog';

/** Every console string exists in both languages, and no key is defined twice across area files. */
describe('console strings', () => {
  const keys = (files: Record<string, string>[]) => files.flatMap((f) => Object.keys(f));

  it.each(['en', 'zh-CN'] as const)('%s defines each key once', (locale) => {
    const all = keys(catalog[locale]);
    const twice = all.filter((k, i) => all.indexOf(k) !== i);
    expect(twice).toEqual([]);
  });

  it('has every key in English and Chinese', () => {
    const en = new Set(keys(catalog.en));
    const zh = new Set(keys(catalog['zh-CN']));
    expect([...en].filter((k) => !zh.has(k))).toEqual([]);
    expect([...zh].filter((k) => !en.has(k))).toEqual([]);
  });

  it('has no empty translation', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const f of catalog[locale]) for (const [k, v] of Object.entries(f)) expect([k, v.trim().length > 0]).toEqual([k, true]);
    }
  });
});
