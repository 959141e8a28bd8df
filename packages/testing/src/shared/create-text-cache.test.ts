import { describe, expect, it } from 'vitest';
import { createTextCache } from './create-text-cache.js';

describe('createTextCache', () => {
  it('computes each key once, and starts over when full', () => {
    const cache = createTextCache(2);
    let computed = 0;
    const compute = (text: string) => () => {
      computed += 1;
      return text;
    };
    expect(cache('a', compute('A'))).toBe('A');
    expect(cache('a', compute('other'))).toBe('A');
    cache('b', compute('B'));
    expect(computed).toBe(2);
    cache('c', compute('C')); // full: forgets a and b
    expect(cache('a', compute('A2'))).toBe('A2');
    expect(computed).toBe(4);
  });
});
