import { describe, expect, it } from 'vitest';
import { formatDuration, formatExpiry } from './format-duration.js';

describe('formatExpiry', () => {
  const now = 1_700_000_000_000;
  it('rounds down, so a fresh one-hour token "expires in 59 min"', () => {
    expect(formatExpiry(now + 3_600_000 - 1, now)).toBe('expires in 59 min');
    expect(formatExpiry(now + 7_200_000 - 1, now)).toBe('expires in 1 h 59 min');
    expect(formatExpiry(now + 7_200_000, now)).toBe('expires in 2 h');
    expect(formatExpiry(now + 90_500, now)).toBe('expires in 90 s');
    expect(formatExpiry(now - 1, now)).toBe('expired');
    expect(formatExpiry(undefined, now)).toContain('no expiry stated');
  });

  it('formats durations in ms below a second, in seconds above', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1042)).toBe('1.04 s');
  });
});
