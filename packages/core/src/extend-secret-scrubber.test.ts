import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from './create-secret-scrubber.js';
import { extendSecretScrubber } from './extend-secret-scrubber.js';
import { captureLogger } from './test-support/capture-logger.js';

describe('extendSecretScrubber', () => {
  it("knows the parent's secrets, those learnt later included, plus its own, which the parent never learns", () => {
    const parent = createSecretScrubber(['client-secret-value']);
    const session = extendSecretScrubber(parent, ['password-used-once']);
    session.add('session-access-token');
    parent.add('client-access-token');
    const text = 'client-secret-value password-used-once session-access-token client-access-token';
    expect(session.scrub(text)).toBe('[REDACTED] [REDACTED] [REDACTED] [REDACTED]');
    expect(session.reveals('session-access-token')).toBe(true);
    expect(parent.reveals('session-access-token') || parent.reveals('password-used-once')).toBe(false);
    expect(parent.scrub(text)).toBe('[REDACTED] password-used-once session-access-token [REDACTED]');
  });

  it('scrubs errors and log records with both', () => {
    const parent = createSecretScrubber(['client-secret-value']);
    const session = extendSecretScrubber(parent);
    session.add('session-refresh-token');
    const error = Object.assign(new Error('echo client-secret-value session-refresh-token'), {
      body: { echoed: 'session-refresh-token' },
    });
    expect(session.scrubError(error)).toBe(error);
    expect(error.message).toBe('echo [REDACTED] [REDACTED]');
    expect(error.body).toEqual({ echoed: '[REDACTED]' });
    const logger = captureLogger();
    session.wrapLogger(logger).info({ seen: 'client-secret-value and session-refresh-token' }, 'session-refresh-token');
    expect(logger.records).toEqual([
      { level: 'info', record: { seen: '[REDACTED] and [REDACTED]' }, message: '[REDACTED]' },
    ]);
  });
});
