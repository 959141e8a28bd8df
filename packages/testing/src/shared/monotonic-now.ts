import { performance } from 'node:perf_hooks';

/** Milliseconds on a monotonic clock: expiry and rate limits follow real elapsed time, whatever the wall clock says. */
export function monotonicNow(): number {
  return performance.now();
}
