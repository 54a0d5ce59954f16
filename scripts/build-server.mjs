// Compiles the server's TypeScript (src/, scripts/start.ts and scripts/lib/) to CommonJS under dist/,
// file by file with esbuild (the same transform tsx applies at run time), so that `npm start`'s
// processes run plain JavaScript: no tsx loader, no esbuild service and no transform cache in each
// process (BENCHMARKS.md, "Memory at 50 000 tickets"). dist/ keeps the repository's layout, and
// dist/templates, dist/public and dist/scripts/mongo link back to the real directories, so paths the
// code builds from __dirname resolve as they do from the sources.
// `--if-stale` builds only when dist/ is missing or older than a source (what `npm start` runs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const stamp = path.join(out, '.built');
const SOURCES = ['src', 'scripts/start.ts', 'scripts/lib'];
/** inputs beyond the sources: this script, the compiler options, the dependency versions */
const INPUTS = [...SOURCES, 'scripts/build-server.mjs', 'tsconfig.json', 'package-lock.json'];
const LINKS = ['templates', 'public', 'scripts/mongo'];

/** Every file under `p` (or `p` itself), relative to the root. */
function files(p) {
  const abs = path.join(root, p);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) return [];
  if (!st.isDirectory()) return [p];
  return fs.readdirSync(abs).flatMap((name) => files(path.join(p, name)));
}

function stale() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  if (!built) return true;
  // a directory's mtime moves when a file is added, removed or renamed in it
  const newest = (p) => {
    const st = fs.statSync(path.join(root, p), { throwIfNoEntry: false });
    if (!st) return 0;
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...fs.readdirSync(path.join(root, p)).map((name) => newest(path.join(p, name))));
  };
  return Math.max(...INPUTS.map(newest)) > built.mtimeMs;
}

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

const t0 = Date.now();
const all = SOURCES.flatMap(files);
const ts = all.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
const copied = all.filter((f) => /\.(mjs|cjs|json)$/.test(f));
// a clean tree each time, so that a source deleted since the last build leaves no module behind
fs.rmSync(out, { recursive: true, force: true });
// imported only when a build is due, so an up-to-date start does not load esbuild
const { build } = await import('esbuild');
await build({
  absWorkingDir: root,
  entryPoints: ts,
  outdir: 'dist',
  outbase: '.',
  bundle: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  tsconfig: 'tsconfig.json',
  logLevel: 'warning',
});
for (const f of copied) {
  fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
  fs.copyFileSync(path.join(root, f), path.join(out, f));
}
for (const l of LINKS) {
  const at = path.join(out, l);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(at), path.join(root, l)), at);
}
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
if (process.argv.includes('--if-stale')) console.error(`[build] server compiled into dist/ (${ts.length} files, ${Date.now() - t0} ms)`);
