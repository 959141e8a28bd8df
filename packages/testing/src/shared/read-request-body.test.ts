import { describe, expect, it } from 'vitest';
import { parseRequestBody } from './read-request-body.js';

describe('parseRequestBody', () => {
  it('parses JSON, by content type or by look', () => {
    expect(parseRequestBody('{"a":1}', 'application/json')).toEqual({
      value: { a: 1 },
      recorded: { a: 1 },
      invalidJson: false,
    });
    expect(parseRequestBody('[1]', undefined).value).toEqual([1]);
  });

  it('keeps invalid JSON as text and flags it', () => {
    expect(parseRequestBody('{"a":', 'application/json')).toEqual({
      value: '{"a":',
      recorded: '{"a":',
      invalidJson: true,
    });
  });

  it('reads forms as objects but records their raw text', () => {
    expect(parseRequestBody('a=1&b=two', 'application/x-www-form-urlencoded')).toEqual({
      value: { a: '1', b: 'two' },
      recorded: 'a=1&b=two',
      invalidJson: false,
    });
  });

  it('keeps other bodies as text, and an empty body as undefined', () => {
    expect(parseRequestBody('hello', 'text/plain').value).toBe('hello');
    expect(parseRequestBody('', 'application/json').value).toBeUndefined();
  });
});
