import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Every .ts/.tsx/.mjs file below `dir` (a path from the project's root). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(rel);
      } else if (/\.(tsx?|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Comments and string/template contents blanked, so that only real import statements remain. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

/**
 * The module specifiers a file imports: `import … from`, `import '…'`, `export … from`,
 * `import type … from`, dynamic `import('…')` and `require('…')`; type-only imports included.
 */
export function importsOf(file: string): string[] {
  const text = code(fs.readFileSync(path.join(ROOT, file), 'utf8'));
  const specs = new Set<string>();
  // statements start a line; dynamic imports and require() may stand anywhere
  const patterns = [/^\s*(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.add(m[1]);
  return [...specs];
}

/** The file a relative specifier names (with its extension resolved), or null for a package or a non-source file. */
export function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.join(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, path.join(base, 'index.ts')]) {
    if (/\.(tsx?|mjs)$/.test(candidate) && fs.existsSync(path.join(ROOT, candidate))) return path.normalize(candidate);
  }
  return null;
}

/** The import graph of some folders: file → the files of the graph it imports. */
export function importGraph(dirs: string[]): Map<string, string[]> {
  const files = dirs.flatMap(sourceFiles);
  const inGraph = new Set(files);
  return new Map(files.map((f) => [f, importsOf(f).map((s) => resolveImport(f, s)).filter((r): r is string => !!r && inGraph.has(r))]));
}

/** The import circles of a graph (strongly connected components of more than one file, or a file importing itself). */
export function circles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}
