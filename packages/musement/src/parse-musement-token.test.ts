import { ApiError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { parseMusementToken } from './parse-musement-token.js';

const exchange = {
  receivedAt: 1_700_000_000_000,
  status: 200,
  method: 'POST',
  url: 'https://api.musement.com/api/v3/login',
};
const parse = (body: unknown) => parseMusementToken(typeof body === 'string' ? body : JSON.stringify(body), exchange);

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (ApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseMusementToken', () => {
  it('reads the documented answer, expiry absolute from our receive time', () => {
    expect(
      parse({
        access_token: 'access-value',
        expires_in: 3600,
        token_type: 'bearer',
        scope: 'user, password',
        refresh_token: 'refresh-value',
      }),
    ).toEqual({
      accessToken: 'access-value',
      expiresAt: exchange.receivedAt + 3_600_000,
      issuedAt: exchange.receivedAt,
      refreshToken: 'refresh-value',
      tokenType: 'bearer',
      scope: 'user, password',
    });
  });

  it('tolerates scope: null, extra fields, a numeric string and a fraction for expires_in', () => {
    const token = parse({ access_token: 'a', expires_in: '90', scope: null, unknown: { nested: true } });
    expect(token.expiresAt).toBe(exchange.receivedAt + 90_000);
    expect(token.scope).toBeUndefined();
    expect(token.refreshToken).toBeUndefined();
    expect(parse({ access_token: 'a', expires_in: 1.5 }).expiresAt).toBe(exchange.receivedAt + 1500);
  });

  it('treats a missing expires_in as no known expiry', () => {
    expect(parse({ access_token: 'a' }).expiresAt).toBeUndefined();
    expect(parse({ access_token: 'a', expires_in: null }).expiresAt).toBeUndefined();
  });

  it.each([
    ['no access_token', { expires_in: 3600 }, /without an access_token/],
    ['an empty access_token', { access_token: '  ', expires_in: 3600 }, /without an access_token/],
    ['a numeric access_token', { access_token: 42, expires_in: 3600 }, /without an access_token/],
    ['expires_in 0', { access_token: 'a', expires_in: 0 }, /expires_in/],
    ['a negative expires_in', { access_token: 'a', expires_in: -60 }, /expires_in/],
    ['a non-numeric expires_in', { access_token: 'a', expires_in: 'soon' }, /expires_in/],
    ['an array', [], /not an object/],
    ['null', 'null', /not an object/],
    ['an empty body', '', /empty body/],
    ['truncated JSON', '{"access_token":"secret-access-val', /not valid JSON/],
  ])('rejects %s with an ApiError, never a crash', (_name, body, message) => {
    const error = apiError(() => parse(body));
    expect(error.message).toMatch(/^@auth\/musement: POST https:\/\/api\.musement\.com\/api\/v3\/login answered 200 /);
    expect(error.message).toMatch(message);
    expect(error.status).toBe(200);
    // The body may hold a refresh token: never attached, never quoted.
    expect(error.data).toBeUndefined();
    expect(error.message).not.toContain('secret-access-val');
  });
});
