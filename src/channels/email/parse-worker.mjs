// The entry of a mail-parsing worker thread (see parse-pool.ts). The sources are TypeScript: under
// `node --import tsx` (npm start, the bench scripts) the thread inherits tsx's loader; under jest,
// whose transform does not reach worker threads, tsx's CommonJS hook is registered here first.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
if (!require.extensions['.ts']) {
  const { register } = await import('tsx/cjs/api');
  register();
}
const { parseTask } = require('./parse-task.ts');

export default parseTask;
