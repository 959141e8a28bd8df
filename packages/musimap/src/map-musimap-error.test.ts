// Musimap's error envelope read into ApiError: status and message, tolerantly, never a secret.
import { ApiError, RateLimitError } from '@auth/core';
import { type EmulatorHandle, findLeakedSecrets, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../testing/src/test-support/rejection.js';
import { createMusimapClient } from './create-musimap-client.js';

const { clientId, clientSecret } = musimapTestCredentials;
const emulators: EmulatorHandle[] = [];
const errors: unknown[] = [];
const tokens: string[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});
afterAll(() => {
  expect(findLeakedSecrets([musimapTestCredentials.clientSecret, ...tokens], [], errors)).toEqual([]);
});

async function start() {
  const emulator = await startMusimapEmulator();
  emulators.push(emulator);
  const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret, retry: { limit: 0 } });
  tokens.push((await client.getToken()).accessToken);
  return { emulator, client };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await rejection(promise);
  errors.push(error);
  expect(ApiError.isInstance(error)).toBe(true);
  return error as ApiError;
}

describe('the error envelope', () => {
  it('puts the envelope’s message into the ApiError, keeping the HTTP status and the envelope as data', async () => {
    const { emulator, client } = await start();
    const error = await failure(client.api.get('tracks/nope'));
    expect(error.status).toBe(404);
    expect(error.message).toBe(`@auth/musimap: GET ${emulator.url}/tracks/nope failed with 404: Track nope not found.`);
    expect(error.data).toEqual({ status: 404, timestamp: expect.any(Number), message: 'Track nope not found' });
    expect(error.name).toBe('ApiError');
  });

  it.each([
    [
      'an error object',
      { status: 400, error: { code: 'E1', message: 'limit is out of range' } },
      'limit is out of range',
    ],
    ['an error string', { error: 'Bad request' }, 'Bad request'],
    [
      'a list of errors',
      { status: 422, errors: [{ field: 'limit', message: 'must be a number' }] },
      'must be a number',
    ],
    ['a detail', { detail: 'No catalog c-9', title: 'Not found' }, 'No catalog c-9'],
    ['a multi-line message', { message: 'first line\r\nsecond line' }, 'first line second line'],
  ])('reads %s', async (_, body, expected) => {
    const { emulator, client } = await start();
    emulator.injectFault({ match: { path: '/tracks' }, kind: 'status', status: 400, body });
    const error = await failure(client.api.get('tracks', { searchParams: { limit: 2 } }));
    expect(error.message).toBe(`@auth/musimap: GET ${emulator.url}/tracks?limit=2 failed with 400: ${expected}.`);
    expect(error.status).toBe(400);
  });

  it('cuts a very long message, and leaves an answer without an envelope as core words it', async () => {
    const { emulator, client } = await start();
    emulator.injectFault({
      match: { path: '/tracks' },
      kind: 'status',
      status: 400,
      body: { message: 'x'.repeat(5000) },
    });
    const long = await failure(client.api.get('tracks'));
    expect(long.message.length).toBeLessThan(500);
    expect(long.message).toMatch(/x…\.$/);

    emulator.injectFault({ match: { path: '/tracks' }, kind: 'html', status: 502 });
    const html = await failure(client.api.get('tracks'));
    expect(html.message).toBe(`@auth/musimap: GET ${emulator.url}/tracks failed with 502 Bad Gateway.`);
  });

  it('never quotes a secret: an echoed token or client secret is [REDACTED], secret query values too', async () => {
    const { emulator, client } = await start();
    const token = (await client.getToken()).accessToken;
    const echo = `token ${token} is not allowed for client secret ${musimapTestCredentials.clientSecret}`;
    emulator.injectFault({
      match: { path: '/tracks' },
      kind: 'status',
      status: 403,
      body: { status: 403, message: echo },
    });
    const error = await failure(client.api.get('tracks', { searchParams: { limit: 2, api_key: 'query-secret-1234' } }));
    expect(error.message).toBe(
      `@auth/musimap: GET ${emulator.url}/tracks?limit=2&api_key=[REDACTED] failed with 403: token [REDACTED] is not allowed for client secret [REDACTED].`,
    );
    expect(error.url).toBe(`${emulator.url}/tracks?limit=2&api_key=[REDACTED]`);
  });

  it('leaves a RateLimitError a RateLimitError', async () => {
    const { emulator, client } = await start();
    emulator.injectFault({
      match: { path: '/tracks' },
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { status: 429, message: 'Too many requests, retry later' },
    });
    const error = await failure(client.api.get('tracks'));
    expect(RateLimitError.isInstance(error)).toBe(true);
  });
});
