// Bundles the browser code at build time with esbuild: the agent console (console/main.tsx, Preact)
// and the embeddable chat widget (widget/chat-widget.ts). Output goes to public/build/.
// `--if-stale` builds only when a bundle is missing or older than its sources (what `npm start` runs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = [
  { in: 'console/main.tsx', out: 'console' },
  { in: 'widget/chat-widget.ts', out: 'chat-widget' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

/** Newest modification time under the inputs of a bundle: its sources, this script and the lock (dependency versions). */
function newestInput() {
  const newest = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return 0;
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((name) => newest(path.join(p, name))));
  };
  return Math.max(...['console', 'widget', 'scripts/build-console.mjs', 'package-lock.json'].map((p) => newest(path.join(root, p))));
}

function stale() {
  const inputs = newestInput();
  return entries.some((e) => {
    const out = fs.statSync(path.join(root, 'public/build', `${e.out}.js`), { throwIfNoEntry: false });
    return !out || out.mtimeMs < inputs;
  });
}

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

// imported only when a build is due, so an up-to-date start does not need esbuild loaded
const { build } = await import('esbuild');
await build({
  absWorkingDir: root,
  entryPoints: entries.map((e) => ({ in: e.in, out: e.out })),
  outdir: 'public/build',
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'text' },
  logLevel: 'warning',
});
if (process.argv.includes('--if-stale')) console.error('[build] console and chat widget bundled into public/build/');
