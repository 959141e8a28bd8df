import { AuthError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { unwrapEnvelope } from './unwrap-envelope.js';

describe('unwrapEnvelope', () => {
  it('returns data and the paging fields, renamed, ignoring unknown fields', () => {
    const body = { status: 200, timestamp: 1, data: [{ id: 1 }], size: 1, offset: 20, total_size: 21, next: 'x' };
    expect(unwrapEnvelope(body)).toEqual({
      data: [{ id: 1 }],
      size: 1,
      offset: 20,
      totalSize: 21,
      status: 200,
      timestamp: 1,
    });
  });

  it('leaves out paging fields that are absent or not numbers', () => {
    expect(unwrapEnvelope({ data: { id: 'a' }, size: '3', offset: null })).toEqual({ data: { id: 'a' } });
  });

  it('keeps a null payload, but refuses a body that is not an envelope', () => {
    expect(unwrapEnvelope({ data: null })).toEqual({ data: null });
    for (const body of [null, [], 'text', { items: [] }]) {
      expect(() => unwrapEnvelope(body)).toThrow(/^@auth\/musimap: the response is not a Musimap envelope/);
      try {
        unwrapEnvelope(body);
      } catch (error) {
        expect(AuthError.isInstance(error)).toBe(true);
      }
    }
  });
});
