import { describe, expect, it } from 'vitest';
import { createFixedWindowRateLimiter } from './create-fixed-window-rate-limiter.js';

describe('createFixedWindowRateLimiter', () => {
  it('allows `requests` per window, then denies with the whole seconds left in the window', () => {
    const limiter = createFixedWindowRateLimiter({ requests: 2, windowMs: 10_000 });
    expect(limiter.take('a', 1000)).toEqual({ allowed: true });
    expect(limiter.take('a', 1001)).toEqual({ allowed: true });
    expect(limiter.take('a', 1002)).toEqual({ allowed: false, retryAfterSeconds: 10 }); // 9.998 s left, rounded up
    expect(limiter.take('a', 8500)).toEqual({ allowed: false, retryAfterSeconds: 3 }); // 2.5 s left
  });

  it('never says less than one second', () => {
    const limiter = createFixedWindowRateLimiter({ requests: 1, windowMs: 100 });
    limiter.take('a', 0);
    expect(limiter.take('a', 99)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('opens a new window once the old one is over', () => {
    const limiter = createFixedWindowRateLimiter({ requests: 1, windowMs: 1000 });
    limiter.take('a', 0);
    expect(limiter.take('a', 999).allowed).toBe(false);
    expect(limiter.take('a', 1000).allowed).toBe(true);
    expect(limiter.take('a', 1500).allowed).toBe(false);
  });

  it('keeps one window per key, and reset() forgets them all', () => {
    const limiter = createFixedWindowRateLimiter({ requests: 1, windowMs: 1000 });
    expect(limiter.take('a', 0).allowed).toBe(true);
    expect(limiter.take('b', 0).allowed).toBe(true);
    expect(limiter.take('a', 1).allowed).toBe(false);
    limiter.reset();
    expect(limiter.take('a', 2).allowed).toBe(true);
  });
});
