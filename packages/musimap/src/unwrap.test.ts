import { AuthError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { unwrap } from './unwrap.js';

describe('unwrap', () => {
  it('returns data and the paging fields, renamed, ignoring unknown fields', () => {
    const body = { status: 200, timestamp: 1, data: [{ id: 1 }], size: 1, offset: 20, total_size: 21, next: 'x' };
    expect(unwrap(body)).toEqual({ data: [{ id: 1 }], size: 1, offset: 20, totalSize: 21, status: 200, timestamp: 1 });
  });

  it('leaves out paging fields that are absent or not numbers', () => {
    expect(unwrap({ data: { id: 'a' }, size: '3', offset: null })).toEqual({ data: { id: 'a' } });
  });

  it('keeps a null payload, but refuses a body that is not an envelope', () => {
    expect(unwrap({ data: null })).toEqual({ data: null });
    for (const body of [null, [], 'text', { items: [] }]) {
      expect(() => unwrap(body)).toThrow(/^@auth\/musimap: the response is not a Musimap envelope/);
      try {
        unwrap(body);
      } catch (error) {
        expect(AuthError.isInstance(error)).toBe(true);
      }
    }
  });
});
