import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter.js';

/** Found by the gomus reseller test: a stall must not turn `burst: 1` into a burst of every overdue slot. */
describe('core createRateLimiter after an event-loop stall', () => {
  it('keeps requests spaced by the interval with burst: 1', async () => {
    const intervalMs = 50;
    const limiter = createRateLimiter({ requestsPerSecond: 1000 / intervalMs, burst: 1 });
    const released: number[] = [];
    const waiting = Array.from({ length: 10 }, () => limiter.acquire().then(() => released.push(performance.now())));
    // A 300 ms stall of the event loop right after the callers queued up.
    const stallUntil = performance.now() + 300;
    while (performance.now() < stallUntil) {
      // busy: timers cannot fire
    }
    await Promise.all(waiting);
    const gaps = released.slice(1).map((time, index) => time - released[index]!);
    // With burst: 1 no two requests should leave closer than about one interval apart.
    expect(gaps.filter((gap) => gap < intervalMs * 0.8)).toEqual([]);
  });
});
