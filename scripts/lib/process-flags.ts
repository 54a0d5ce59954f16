/**
 * The V8 options `npm start` gives its API and worker processes (README "Running in production"),
 * before the caller's NODE_OPTIONS, which win. The young generation: the API, where chat and the
 * HTTP routes allocate most, keeps V8's 16 MB semi-spaces (17–28 % less CPU per chat message than
 * 4 MB in chat3's bench/chat.ts runs, for at most 2 × 12 MB more resident memory); the workers take
 * 2 × 4 MB (`--max-semi-space-size=4`), their memory being what exceeds 1 GB at 50 000 tickets
 * (BENCHMARKS.md "Memory at 50 000 tickets"). The workers' old generation is bounded at 192 MB
 * (`--max-old-space-size=192`): without a bound V8 let garbage grow to 349 MB of heap during the
 * search rebuild at 50 000 tickets, while what was live after a full collection peaked at 93–108 MB
 * (63 MB idle; `bench/memory.ts` HEAP_PROBE=1). The bound makes V8 collect sooner; a live set that
 * reached it would stop the process, so a database of several hundred thousand tickets wants more
 * (NODE_OPTIONS=--max-old-space-size=… wins).
 */
export const NODE_FLAGS: Readonly<Record<'api' | 'workers', readonly string[]>> = {
  api: ['--max-semi-space-size=16'],
  workers: ['--max-semi-space-size=4', '--max-old-space-size=192'],
};
