// Bundles the browser code at build time with esbuild: the agent console (console/main.tsx, Preact)
// and the embeddable chat widget (widget/chat-widget.ts). Output goes to public/build/.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entries = [
  { in: 'console/main.tsx', out: 'console' },
  { in: 'widget/chat-widget.ts', out: 'chat-widget' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

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
