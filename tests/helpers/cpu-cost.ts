/**
 * CPU milliseconds this process spends on `work`, the best of `runs` (process.cpuUsage, not wall
 * time). Tests compare such costs with one another, measured in the same run, never with a fixed
 * limit: on a shared machine the same work costs 2–5× more under load, and what a test must show
 * is how a cost grows (with the input's size, or against an ordinary input of the same size).
 */
export async function cpuMs(work: () => unknown, runs: number): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = process.cpuUsage();
    await work();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}
