import { circles, importGraph } from '../../helpers/imports';

/**
 * The shape of the house (issue #14): no import circle in src/ and console/ (type-only imports
 * included), and the composition root known to nobody under src/modules and src/channels.
 */
describe('the import graph', () => {
  const graph = importGraph(['src', 'console', 'widget']);

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get('src/main/container.ts')).toEqual(expect.arrayContaining(['src/main/modules.ts', 'src/core/core.ts']));
  });

  it('has no circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('finds a circle where there is one (the checker itself works)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('keeps the composition root and the entry points out of every module and channel', () => {
    const main = [...graph.keys()].filter((f) => f.startsWith('src/main/'));
    const offenders = [...graph.entries()].filter(([f]) => f.startsWith('src/modules/') || f.startsWith('src/channels/') || f.startsWith('src/core/')).flatMap(([f, to]) => to.filter((t) => main.includes(t)).map((t) => `${f} -> ${t}`));
    expect(main).toContain('src/main/container.ts');
    expect(offenders).toEqual([]);
  });

  it('keeps the console and the widget off server code but the shared leaves', () => {
    const leaks = [...graph.entries()]
      .filter(([f]) => f.startsWith('console/') || f.startsWith('widget/'))
      .flatMap(([f, to]) => to.filter((t) => t.startsWith('src/')).map((t) => [f, t] as const))
      .filter(([, t]) => (graph.get(t) ?? []).some((x) => !/\.(events|payloads)\.ts$|^src\/core\/types\.ts$/.test(x)));
    expect(leaks).toEqual([]);
  });
});
