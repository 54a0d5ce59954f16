// The entry of a mail-parsing worker thread (see parse-pool.ts). Compiled (`npm start` runs dist/,
// scripts/build-server.mjs) parse-task.js sits beside this file and needs no loader. From the
// sources: under `node --import tsx` (npm run api/workers, the bench scripts) the thread inherits
// tsx's loader; under jest, whose transform does not reach worker threads, tsx's CommonJS hook is
// registered here first.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const compiled = fileURLToPath(new URL('./parse-task.js', import.meta.url));
const isCompiled = fs.existsSync(compiled);
if (!isCompiled && !require.extensions['.ts']) {
  const { register } = await import('tsx/cjs/api');
  register();
}
const { parseTask } = require(isCompiled ? compiled : './parse-task.ts');

export default parseTask;
