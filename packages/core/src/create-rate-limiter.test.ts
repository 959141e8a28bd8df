import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('core createRateLimiter pause', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  // The limiter reads performance.now() and arms setTimeout: both run on fake time here, moved by hand.
  const fakeTime = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  const track = (promise: Promise<void>) => {
    const state = { settled: false, error: undefined as unknown };
    promise.then(
      () => {
        state.settled = true;
      },
      (error: unknown) => {
        state.settled = true;
        state.error = error;
      },
    );
    return state;
  };

  it('holds queued and new callers until the pause ends, then serves them in order at the usual spacing', async () => {
    fakeTime();
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 1 });
    const grantedAt: number[] = [];
    const start = performance.now();
    const first = limiter.acquire().then(() => grantedAt.push(performance.now() - start));
    await vi.advanceTimersByTimeAsync(0);
    await first;
    const queued = [limiter.acquire(), limiter.acquire()].map((promise, index) =>
      promise.then(() => grantedAt.push(performance.now() - start + index / 1000)),
    );
    limiter.pause?.(Date.now() + 1_000);
    const late = limiter.acquire().then(() => grantedAt.push(performance.now() - start));

    await vi.advanceTimersByTimeAsync(999);
    expect(grantedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(grantedAt).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([...queued, late]);
    // 1 granted at once; then, after the pause, the bucket's token at 1000 ms and one every 100 ms.
    expect(grantedAt.map(Math.round)).toEqual([0, 1000, 1100, 1200]);
  });

  it('refuses at once the queued callers whose turn the pause moves past their maxWaitMs, and new ones too', async () => {
    fakeTime();
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 1 });
    const first = limiter.acquire(undefined, 0);
    await vi.advanceTimersByTimeAsync(0);
    await first;
    const patient = track(limiter.acquire(undefined, 5_000));
    const hurried = track(limiter.acquire(undefined, 500));
    limiter.pause?.(Date.now() + 2_000);
    await vi.advanceTimersByTimeAsync(0);

    expect(hurried.error).toBeInstanceOf(RateLimiterBusy);
    expect((hurried.error as RateLimiterBusy).waitMs).toBeGreaterThan(2_000);
    expect(patient.settled).toBe(false);
    const refused = await limiter.acquire(undefined, 1_000).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RateLimiterBusy);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(patient).toEqual({ settled: true, error: undefined });
  });

  it('ends a wait at once when the caller aborts during a pause, and an earlier pause changes nothing', async () => {
    fakeTime();
    const limiter = createRateLimiter({ requestsPerSecond: 10, burst: 1 });
    limiter.pause?.(Date.now() + 10_000);
    limiter.pause?.(Date.now() + 1_000);
    const controller = new AbortController();
    const waiting = track(limiter.acquire(controller.signal));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(waiting.settled).toBe(false);
    controller.abort(new Error('caller gave up'));
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.error).toMatchObject({ message: 'caller gave up' });
    // Nothing is left armed for the aborted waiter: no timer keeps the process alive.
    expect(vi.getTimerCount()).toBe(0);
  });
});
