import { ApiError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { parseMusimapToken } from './parse-musimap-token.js';
import { seedTokenResponse } from './test-support/seed-token-response.js';

const receivedAt = 1_750_000_000_000;
const context = { receivedAt, status: 201, url: 'https://api-v2.musimap.io/oauth/access_tokens/client' };

function envelope(data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { status: 201, timestamp: 1_000_000_000_500, ...extra, data: { token: 'a-token', ...data } };
}

function parseError(body: unknown): ApiError {
  try {
    parseMusimapToken(body, context);
  } catch (error) {
    if (ApiError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseMusimapToken', () => {
  it("reads the seed's example: its 7,200 s lifetime anchored to our receive time, not the server's 2020 clock", () => {
    expect(parseMusimapToken(seedTokenResponse, context)).toEqual({
      accessToken: seedTokenResponse.data.token,
      tokenType: 'Bearer',
      issuedAt: receivedAt,
      expiresAt: receivedAt + 7_200_000,
    });
  });

  it('ignores unknown fields and uses the envelope timestamp when issued_at is absent', () => {
    const body = envelope({ expires_at: 1_000_000_003_500, shiny_new_field: { nested: true } }, { extra: 1 });
    expect(parseMusimapToken(body, context).expiresAt).toBe(receivedAt + 3_000);
  });

  it('reads times sent in seconds instead of milliseconds', () => {
    const body = envelope({ issued_at: 1_605_548_750, expires_at: 1_605_555_950 });
    expect(parseMusimapToken(body, context).expiresAt).toBe(receivedAt + 7_200_000);
  });

  it('gives a token without a known expiry when the times are missing (documented: renewed on 401)', () => {
    expect(parseMusimapToken({ data: { token: 'a-token' } }, context)).toEqual({
      accessToken: 'a-token',
      tokenType: 'Bearer',
      issuedAt: receivedAt,
    });
    expect(parseMusimapToken(envelope({ issued_at: 1, expires_at: null }), context).expiresAt).toBeUndefined();
  });

  it.each([
    ['not an object', 'token'],
    [{ status: 201 }, 'no data object'],
    [{ data: [] }, 'no data object'],
    [envelope({ token: undefined }), 'data.token is missing'],
    [envelope({ token: '' }), 'data.token is missing'],
    [envelope({ token: 42 }), 'data.token is missing'],
    [envelope({ issued_at: 1_000, expires_at: '2025-01-01T00:00:00Z' }), 'expires_at is not a number'],
    [envelope({ issued_at: 'yesterday', expires_at: 2_000 }), 'issued_at is not a number'],
    [envelope({ issued_at: 1_000, expires_at: Number.NaN }), 'expires_at is not a number'],
    [envelope({ issued_at: 1_605_548_750_779, expires_at: 1_605_548_750_779 }), 'not after issued_at'],
    [envelope({ issued_at: 1_605_548_750_779, expires_at: 1_605_541_550_779 }), 'not after issued_at'],
  ])('refuses %j with a typed error (%s), never a crash', (body, problem) => {
    const error = parseError(body);
    expect(error.message).toMatch(/^@auth\/musimap: POST https:\/\/api-v2\.musimap\.io\/oauth\/access_tokens\/client/);
    expect(error.message).toContain(problem === 'token' ? 'not a JSON object' : problem);
    expect(error.status).toBe(201);
    expect(error.message).not.toContain('a-token');
  });
});
