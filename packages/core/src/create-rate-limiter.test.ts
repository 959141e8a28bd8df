import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter.js';
import { RateLimiterBusy } from './rate-limiter.js';

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

describe('core createRateLimiter queue', () => {
  it('refuses a caller whose turn is further away than its maxWaitMs, and queues one that can wait', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 1, burst: 1 });
    await limiter.acquire(undefined, 0);
    // The next slot is about a second away.
    const refused = await limiter.acquire(undefined, 20).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimiterBusy);
    expect((refused as RateLimiterBusy).waitMs).toBeGreaterThan(20);
    await expect(limiter.acquire(undefined, 5_000)).resolves.toBeUndefined();
  });

  it('drops an aborted waiter from the queue: the caller behind it takes its place', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 2, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal).catch((error: unknown) => error);
    controller.abort(new Error('caller gave up'));
    expect(await aborted).toMatchObject({ message: 'caller gave up' });
    // With the aborted waiter gone, the next caller is first in line: one slot (500 ms) away, not two.
    const refused = await limiter.acquire(undefined, 750).catch((error: unknown) => error);
    expect(refused).toBeUndefined();
  });
});
