import { TokenManager, type TokenManagerOptions } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { captureLogger } from './test-support/capture-logger.js';

// Capabilities this package needs from @auth/core that core does not offer yet. Each test is expected to fail
// (`it.fails`); when core gains the capability it starts passing, vitest reports it, and the workaround named in the
// test can go.
describe('@auth/core gaps', () => {
  it.fails('TokenManager adds logFields to its token events (worked around by with-log-fields.ts)', async () => {
    const logger = captureLogger();
    const manager = new TokenManager({
      key: 'musimap:staging',
      logger,
      logFields: { provider: 'musimap', environment: 'staging' },
      source: { obtain: async () => ({ accessToken: 'token', expiresAt: Date.now() + 60_000 }) },
    } as TokenManagerOptions);

    await manager.getToken();

    const renewed = logger.records.find(({ record }) => record.event === 'token.renewed');
    expect(renewed?.record).toMatchObject({ provider: 'musimap', environment: 'staging' });
  });
});
