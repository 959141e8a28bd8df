// First-use fixes of the issue "Ship it for real", across packages: unknown options are refused with a suggestion,
// and MUSEMENT_BASE_URL / MUSIMAP_BASE_URL point a client at an emulator without code changes.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../packages/core/src/index.ts';
import { createGomusClient } from '../../../packages/gomus/src/index.ts';
import { createMusementClient } from '../../../packages/musement/src/index.ts';
import { resolveMusementSettings } from '../../../packages/musement/src/resolve-musement-settings.ts';
import { createMusimapClient } from '../../../packages/musimap/src/index.ts';
import { RedisTokenStore } from '../../../packages/redis/src/index.ts';
import {
  type EmulatorHandle,
  gomusTestTokens,
  musementTestCredentials,
  musimapTestCredentials,
  startMusementEmulator,
  startMusimapEmulator,
} from '../../../packages/testing/src/index.ts';

const musimapOptions = {
  baseUrl: 'http://127.0.0.1:1',
  clientId: musimapTestCredentials.clientId,
  clientSecret: musimapTestCredentials.clientSecret,
};
const { clientId, clientSecret, application } = musementTestCredentials;
const musementOptions = { baseUrl: 'http://127.0.0.1:1', clientId, clientSecret, application };

/** What a JavaScript caller can pass: the types do not stop a wrong name there. */
const untyped = <T>(options: object) => options as T;

function configErrorOf(create: () => unknown): ConfigError {
  try {
    create();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('created without a ConfigError');
}

describe('unknown options are refused with the closest known one', () => {
  it.each([
    ['@auth/musimap', () => createMusimapClient(untyped({ ...musimapOptions, timeout: 5_000 })), 'timeoutMs'],
    ['@auth/musement', () => createMusementClient(untyped({ ...musementOptions, timeout: 5_000 })), 'timeoutMs'],
    [
      '@auth/gomus',
      () => createGomusClient(untyped({ baseUrl: 'http://127.0.0.1:1', token: gomusTestTokens.user, timeout: 5_000 })),
      'timeoutMs',
    ],
    [
      '@auth/redis',
      () => new RedisTokenStore(untyped({ url: 'redis://127.0.0.1:1', timeout: 5_000 })),
      'operationTimeoutMs',
    ],
  ])('%s: `timeout` is a ConfigError suggesting %s', (packageName, create, suggestion) => {
    const error = configErrorOf(create);
    expect(error.option).toBe('timeout');
    expect(error.message).toBe(`${packageName}: unknown option "timeout". Did you mean "${suggestion}"?`);
  });

  it.each([
    [
      '@auth/musimap',
      () => createMusimapClient(untyped({ ...musimapOptions, prefixUrl: 'http://127.0.0.1:1' })),
      'baseUrl',
    ],
    ['@auth/musement', () => createMusementClient(untyped({ ...musementOptions, clientSecert: 'x' })), 'clientSecret'],
    ['@auth/gomus', () => createGomusClient(untyped({ baseUrl: 'http://127.0.0.1:1', tokn: 'x' })), 'token'],
    ['@auth/redis', () => new RedisTokenStore(untyped({ url: 'redis://127.0.0.1:1', keyprefix: 'a:' })), 'keyPrefix'],
  ])('%s: a misspelt option names its fix (%s)', (_packageName, create, suggestion) => {
    expect(configErrorOf(create).message).toContain(`Did you mean "${suggestion}"?`);
  });

  it('every option a provider documents is accepted (the whole options objects of the READMEs, lifecycle included)', () => {
    expect(() =>
      createMusimapClient({
        ...musimapOptions,
        environment: 'test',
        store: undefined,
        leaseTtlMs: 1_000,
        timeoutMs: 1,
      }),
    ).not.toThrow();
    expect(() =>
      createMusementClient({
        ...musementOptions,
        language: 'en-US',
        currency: 'EUR',
        market: 'us',
        refreshPolicy: undefined,
      }),
    ).not.toThrow();
    expect(() =>
      createGomusClient({ baseUrl: 'http://127.0.0.1:1', token: null, headers: {}, retry: 0 }),
    ).not.toThrow();
  });
});

describe('MUSIMAP_BASE_URL and MUSEMENT_BASE_URL', () => {
  let musimap: EmulatorHandle;
  let musement: EmulatorHandle;
  beforeAll(async () => {
    [musimap, musement] = await Promise.all([startMusimapEmulator(), startMusementEmulator()]);
  });
  afterAll(() => Promise.all([musimap.close(), musement.close()]));
  afterEach(() => vi.unstubAllEnvs());

  it('a Musimap client without baseUrl calls MUSIMAP_BASE_URL', async () => {
    vi.stubEnv('MUSIMAP_BASE_URL', musimap.url);
    vi.stubEnv('MUSIMAP_CLIENT_ID', musimapTestCredentials.clientId);
    vi.stubEnv('MUSIMAP_CLIENT_SECRET', musimapTestCredentials.clientSecret);
    const before = musimap.counters.apiRequests;
    await createMusimapClient().api.get('lexicology/tags').json();
    expect(musimap.counters.apiRequests).toBe(before + 1);
  });

  it('a Musement client without baseUrl calls MUSEMENT_BASE_URL', async () => {
    vi.stubEnv('MUSEMENT_BASE_URL', musement.url);
    const before = musement.counters.apiRequests;
    await createMusementClient({ clientId, clientSecret, application }).api.get('cities').json();
    expect(musement.counters.apiRequests).toBe(before + 1);
  });

  it('an option wins over the variable: baseUrl, and sandbox: true for Musement', () => {
    vi.stubEnv('MUSEMENT_BASE_URL', 'http://127.0.0.1:9');
    const options = { clientId, clientSecret, application };
    expect(resolveMusementSettings({ ...options, baseUrl: musement.url }).baseUrl).toBe(musement.url);
    expect(resolveMusementSettings({ ...options, sandbox: true }).baseUrl).toBe('https://sandbox.musement.com');
    expect(resolveMusementSettings(options).baseUrl).toBe('http://127.0.0.1:9');
  });

  it('for Musimap too: baseUrl wins over MUSIMAP_BASE_URL, and a bad value in it is a ConfigError before any request', async () => {
    vi.stubEnv('MUSIMAP_BASE_URL', 'http://127.0.0.1:9');
    const before = musimap.counters.apiRequests;
    await createMusimapClient({ ...musimapOptions, baseUrl: musimap.url })
      .api.get('lexicology/tags')
      .json();
    expect(musimap.counters.apiRequests).toBe(before + 1);
    vi.stubEnv('MUSIMAP_BASE_URL', 'ftp://example.com');
    const { baseUrl: _ignored, ...withoutBaseUrl } = musimapOptions;
    expect(configErrorOf(() => createMusimapClient(withoutBaseUrl)).option).toBe('baseUrl');
  });
});
