import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { importsOf, ROOT, sourceFiles } from '../helpers/imports';

/** Every package the code imports is declared in package.json (none arrives by luck as another's dependency). */
describe('declared dependencies', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  const builtins = new Set(builtinModules);
  const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  const used = (dirs: string[]) => {
    const out = new Map<string, string>();
    for (const f of dirs.flatMap(sourceFiles)) {
      for (const spec of importsOf(f)) {
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(packageOf(spec))) continue;
        out.set(packageOf(spec), f);
      }
    }
    return out;
  };

  it('declares what the server, the console and the widget import, as dependencies', () => {
    const runtime = used(['src', 'console', 'widget']);
    const missing = [...runtime].filter(([p]) => !(p in pkg.dependencies)).map(([p, f]) => `${p} (${f})`);
    expect(missing).toEqual([]);
    expect(runtime.has('@zone-eu/mailsplit')).toBe(true); // the check sees nested scoped packages
  });

  it('declares what the tests, scripts and benchmarks import', () => {
    const all = used(['tests', 'scripts', 'bench']);
    expect([...all].filter(([p]) => !declared.has(p)).map(([p, f]) => `${p} (${f})`)).toEqual([]);
  });
});
