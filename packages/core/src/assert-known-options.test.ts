import { describe, expect, it } from 'vitest';
import { assertKnownNames, assertKnownOptions, tokenLifecycleOptionNames } from './assert-known-options.js';
import { ConfigError } from './errors/config-error.js';

const packageName = '@auth/example';
const own = { ...tokenLifecycleOptionNames, baseUrl: true, clientId: true, clientSecret: true } as const;
type Options = Record<string, unknown>;

function refusal(options: Options, known: object = own): ConfigError {
  try {
    assertKnownOptions(packageName, options, known as never);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('assertKnownOptions', () => {
  it('accepts every HttpOptions name, every lifecycle name and the provider’s own, set or undefined', () => {
    const options = {
      logger: undefined,
      retry: 2,
      timeoutMs: 1_000,
      totalTimeoutMs: false,
      rateLimit: undefined,
      allowInsecureHttp: true,
      visibleQueryParameters: [],
      fetch: undefined,
      maxResponseBytes: 10,
      store: undefined,
      clock: undefined,
      refreshPolicy: undefined,
      leaseTtlMs: 1,
      leasePollMs: 1,
      baseUrl: 'http://127.0.0.1',
      clientId: 'id',
      clientSecret: 'secret',
    };
    expect(() => assertKnownOptions(packageName, options, own)).not.toThrow();
  });

  it('refuses ky’s timeout with a ConfigError naming it and suggesting timeoutMs', () => {
    const error = refusal({ timeout: 5_000 });
    expect(error.option).toBe('timeout');
    expect(error.message).toBe('@auth/example: unknown option "timeout". Did you mean "timeoutMs"?');
  });

  it.each([
    ['clientSecert', 'clientSecret'],
    ['clientid', 'clientId'],
    ['baseURL', 'baseUrl'],
    ['prefixUrl', 'baseUrl'],
    ['retries', 'retry'],
    ['leaseTtl', 'leaseTtlMs'],
    ['maxResponseSize', 'maxResponseBytes'],
  ])('suggests the closest known name: %s → %s', (unknown, suggestion) => {
    expect(refusal({ [unknown]: 1 }).message).toContain(`Did you mean "${suggestion}"?`);
  });

  it('lists the known options when nothing is close', () => {
    const error = refusal({ organizationId: 'x' });
    expect(error.message).toMatch(
      /^@auth\/example: unknown option "organizationId"\. Known options: allowInsecureHttp, /,
    );
    expect(error.message).toContain('clientSecret');
    expect(error.message).not.toContain('Did you mean');
  });

  it('never quotes an option’s value: it may be a secret', () => {
    expect(refusal({ clientSecert: 'do-not-print-me' }).message).not.toContain('do-not-print-me');
  });
});

describe('assertKnownNames', () => {
  it('checks against the given names only (no HttpOptions)', () => {
    expect(() => assertKnownNames('@auth/store', { url: 'redis://x' }, ['url', 'keyPrefix'])).not.toThrow();
    expect(() => assertKnownNames('@auth/store', { timeoutMs: 1 }, ['url', 'operationTimeoutMs'])).toThrow(
      '@auth/store: unknown option "timeoutMs". Did you mean "operationTimeoutMs"?',
    );
  });
});
