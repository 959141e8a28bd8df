import { describe, expect, it } from 'vitest';
import { assertServerRuntime } from './assert-server-runtime.js';
import { createRateLimiter } from './create-rate-limiter.js';
import { createTokenKey } from './create-token-key.js';
import { ApiError } from './errors/api-error.js';
import { AuthError } from './errors/auth-error.js';
import { ConfigError } from './errors/config-error.js';
import { CredentialsError } from './errors/credentials-error.js';
import { credentialsRejected } from './errors/credentials-rejected.js';
import { exchangeOf } from './errors/exchange-of.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { loadRequiredSetting, loadSetting } from './load-setting.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { redactUrl } from './redact-url.js';
import { computeRefreshAt } from './refresh-policy.js';

describe('redactUrl', () => {
  it('keeps allow-listed query values and hides every other one', () => {
    expect(
      redactUrl('https://u:p@api.example/api/v3/login?client_id=a&client_secret=b&grant_type=password&password=c'),
    ).toBe(
      'https://api.example/api/v3/login?client_id=[REDACTED]&client_secret=[REDACTED]&grant_type=password&password=[REDACTED]',
    );
    expect(redactUrl('https://api.example/x?page=2&per_page=50')).toBe('https://api.example/x?page=2&per_page=50');
    expect(redactUrl('not a url')).toBe('[REDACTED]');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('computeRefreshAt', () => {
  const noJitter = () => 0;
  it('renews a 3 s token at half its lifetime, not on every call', () => {
    expect(computeRefreshAt(0, 3000, undefined, noJitter)).toBe(1500);
  });
  it('renews a 1 h token 5 min ahead and a 2 min token 30 s ahead', () => {
    expect(computeRefreshAt(0, 3_600_000, undefined, noJitter)).toBe(3_300_000);
    expect(computeRefreshAt(0, 120_000, undefined, noJitter)).toBe(90_000);
    expect(computeRefreshAt(0, 7_200_000, undefined, noJitter)).toBe(6_900_000);
  });
  it('adds at most 10% of the window as jitter and never passes expiry', () => {
    expect(computeRefreshAt(0, 3_600_000, undefined, () => 0.999)).toBeLessThan(3_330_000);
    expect(computeRefreshAt(0, 3_600_000, undefined, () => 0.999)).toBeGreaterThan(3_300_000);
  });
});

describe('createRateLimiter', () => {
  it('spaces requests at the configured rate after the burst', async () => {
    const limiter = createRateLimiter({ requestsPerSecond: 20, burst: 2 });
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire().then(() => times.push(performance.now()))));
    // 2 at once, then one every 50 ms: the 6th no sooner than 4 × 50 ms.
    expect(times[5]! - started).toBeGreaterThanOrEqual(195);
  });
  it('rejects nonsense with ConfigError', () => {
    expect(() => createRateLimiter({ requestsPerSecond: 0 })).toThrow(ConfigError);
  });
});

describe('settings', () => {
  it('falls back to the environment and names option and variable when missing', () => {
    process.env.CORE_TEST_SETTING = 'from-env';
    expect(
      loadSetting({ value: undefined, option: 'x', environmentVariable: 'CORE_TEST_SETTING', packageName: '@auth/t' }),
    ).toBe('from-env');
    delete process.env.CORE_TEST_SETTING;
    expect(() =>
      loadRequiredSetting({
        value: undefined,
        option: 'clientId',
        environmentVariable: 'CORE_TEST_SETTING',
        packageName: '@auth/t',
      }),
    ).toThrow(
      '@auth/t: clientId is missing. Pass the clientId option or set the CORE_TEST_SETTING environment variable.',
    );
    expect(() => loadSetting({ value: 42, option: 'clientId', packageName: '@auth/t' })).toThrow(/must be a string/);
  });

  it('refuses a browser-like runtime unless allowed', () => {
    const scope = globalThis as Record<string, unknown>;
    scope.window = {};
    scope.document = {};
    try {
      expect(() => assertServerRuntime('@auth/t')).toThrow(/dangerouslyAllowBrowser/);
      expect(() => assertServerRuntime('@auth/t', true)).not.toThrow();
    } finally {
      delete scope.window;
      delete scope.document;
    }
    expect(() => assertServerRuntime('@auth/t')).not.toThrow();
  });

  it('builds store keys that separate clients, environments and users without carrying the user name', () => {
    const base = { provider: 'musement', baseUrl: 'https://api.example', clientId: 'c' };
    const keys = new Set([
      createTokenKey(base),
      createTokenKey({ ...base, environment: 'staging' }),
      createTokenKey({ ...base, user: 'alice@example.com' }),
      createTokenKey({ ...base, user: 'bob@example.com' }),
      createTokenKey({ ...base, clientId: 'd' }),
    ]);
    expect(keys.size).toBe(5);
    expect([...keys].join()).not.toContain('alice');
  });
});

describe('errors', () => {
  it('are recognised across duplicate copies of the package by their marker', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('auth.error')]: true,
      [Symbol.for('auth.error.credentials')]: true,
    });
    expect(AuthError.isInstance(foreign)).toBe(true);
    expect(CredentialsError.isInstance(foreign)).toBe(true);
    expect(ConfigError.isInstance(foreign)).toBe(false);
    const limited = new RateLimitError({ status: 429, method: 'GET', url: 'u', retryAfterMs: 1 });
    expect(ApiError.isInstance(limited) && AuthError.isInstance(limited)).toBe(true);
    expect(
      Object.getOwnPropertySymbols(limited).every(
        (symbol) => !Object.getOwnPropertyDescriptor(limited, symbol)!.enumerable,
      ),
    ).toBe(true);
  });
});

describe('building an error about the exchange of another', () => {
  it('keeps what the first shows and hides what it hid, and words a rejection like every exchange error', () => {
    const first = new ApiError({
      packageName: '@auth/acme',
      method: 'GET',
      url: 'https://api.example/v1/orders/7?locale=de&token=order-secret',
      visibleQueryParameters: ['locale'],
      status: 401,
    });
    expect(first.url).toBe('https://api.example/v1/orders/7?locale=de&token=[REDACTED]');
    const rejected = credentialsRejected({
      packageName: '@auth/acme',
      ...exchangeOf(first),
      status: 401,
      reason: 'invalid_order_token',
      detail: 'was rejected with 401: the order token does not match the order',
    });
    expect(CredentialsError.isInstance(rejected)).toBe(true);
    expect(rejected).toMatchObject({ status: 401, reason: 'invalid_order_token' });
    expect(rejected.message).toBe(
      '@auth/acme: GET https://api.example/v1/orders/7?locale=de&token=[REDACTED] was rejected with 401: the order token does not match the order.',
    );
    expect(credentialsRejected({ method: 'POST', url: 'https://api.example/login' }).message).toBe(
      '@auth/core: POST https://api.example/login was rejected.',
    );
  });
});
