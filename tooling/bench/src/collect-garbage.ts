import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// The bench runs as `node src/run.ts` (no --expose-gc): V8 exposes gc() to contexts created after the flag is set.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * A full garbage collection now, so that the debt of the previous contender (a 10,000-call burst leaves plenty) is not
 * paid during the next one's measurement.
 */
export function collectGarbage(): void {
  gc();
}

/** Watches garbage-collection pauses until `stop()`: the longest one, ms. */
export function watchGarbageCollection(): { stop(): { longestPauseMs: number; pauses: number } } {
  let longestPauseMs = 0;
  let pauses = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses += 1;
      longestPauseMs = Math.max(longestPauseMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return { longestPauseMs, pauses };
    },
  };
}
