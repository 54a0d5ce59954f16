// Preloaded into a process (NODE_OPTIONS=--require …/heap-probe.cjs; --trace-gc is not allowed there)
// by bench/memory.ts HEAP_PROBE=1: the V8 heap's largest used size and the largest that a full
// (mark-compact) collection left, i.e. the live set's peak, printed to stderr as one
// `heap-probe {…}` line whenever they grow (start.ts sends a child's stderr to its log).
const v8 = require('node:v8');
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { isMainThread, threadId } = require('node:worker_threads');

const who = { pid: process.pid, thread: isMainThread ? 0 : threadId, entry: (process.argv[1] || '').split('/').slice(-1)[0] };
let maxUsed = 0;
let maxLive = 0;
let majors = 0;
let printed = '';
const print = () => {
  const line = JSON.stringify({ ...who, majors, maxUsedMb: Math.round(maxUsed / 1048576), maxLiveMb: Math.round(maxLive / 1048576), limitMb: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576) });
  if (line !== printed) process.stderr.write(`heap-probe ${(printed = line)}\n`);
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.detail && e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      majors++;
      maxLive = Math.max(maxLive, v8.getHeapStatistics().used_heap_size);
    }
  }
}).observe({ entryTypes: ['gc'] });
setInterval(() => {
  maxUsed = Math.max(maxUsed, v8.getHeapStatistics().used_heap_size);
}, 200).unref();
setInterval(print, 5000).unref();
