/**
 * The V8 options `npm start` gives its API and worker processes (README "Running in production"),
 * before the caller's NODE_OPTIONS, which win: a young generation of at most 2 × 4 MB instead of
 * 2 × 16 MB (`--max-semi-space-size=4`; fewer resident megabytes for more frequent young collections).
 */
export const NODE_FLAGS: Readonly<Record<'api' | 'workers', readonly string[]>> = {
  api: ['--max-semi-space-size=4'],
  workers: ['--max-semi-space-size=4'],
};
