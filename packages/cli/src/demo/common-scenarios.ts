import { CredentialsError } from '@auth/core';
import { type EmulatorHandle, findLeakedSecrets } from '@auth/testing';
import { describeError } from '../describe-error.js';
import { exitCodeFor, exitCodes } from '../exit-codes.js';
import { formatDuration } from '../format-duration.js';
import { check, countersSince, rejectionOf, requestsSince, type Scenario } from './scenario.js';

const retryAfterSeconds = 1;
/** Timers may fire a millisecond early and `receivedAt` is whole milliseconds. */
const timerSlackMs = 2;

/**
 * A 429 with `Retry-After: 1` on `path`: the call must still succeed, after exactly one retry sent no sooner than the
 * server asked. The wait is measured at the emulator, between the two arrivals.
 */
export function rateLimitScenario(emulator: EmulatorHandle, path: string, call: () => Promise<unknown>): Scenario {
  return {
    name: '429 back-off',
    async run() {
      emulator.injectFault({
        kind: 'status',
        status: 429,
        headers: { 'retry-after': String(retryAfterSeconds) },
        body: { error: 'rate limit exceeded' },
        match: { method: 'GET', path },
      });
      const counters = countersSince(emulator);
      const requests = requestsSince(emulator);
      await call();
      const attempts = requests(path);
      check(counters().rateLimited === 1, `expected one 429, the emulator sent ${counters().rateLimited}`);
      check(attempts.length === 2, `expected the 429 and one retry, the emulator saw ${attempts.length} requests`);
      const waitMs = (attempts[1]?.receivedAt ?? 0) - (attempts[0]?.receivedAt ?? 0);
      check(
        waitMs >= retryAfterSeconds * 1000 - timerSlackMs,
        `retried ${waitMs} ms after the 429, sooner than its Retry-After of ${retryAfterSeconds} s`,
      );
      return `429 with Retry-After: ${retryAfterSeconds} s → waited ${formatDuration(waitMs)} (floor respected), retried → 200; 2 requests`;
    },
  };
}

/**
 * `calls` parallel calls once a token is cached: every one reaches the API and none asks for a token. The scenario
 * after a first login (which leaves exactly one token request behind it).
 */
export function cachedReuseScenario(emulator: EmulatorHandle, calls: number, call: () => Promise<unknown>): Scenario {
  return {
    name: 'cached reuse',
    async run() {
      const counters = countersSince(emulator);
      await Promise.all(Array.from({ length: calls }, call));
      check(counters().apiRequests === calls, `expected ${calls} requests, got ${counters().apiRequests}`);
      check(
        counters().tokenRequests === 0,
        `the cached token was not reused: ${counters().tokenRequests} token requests`,
      );
      return `${calls} parallel calls → 0 token requests (1 in total so far)`;
    },
  };
}

export interface BadCredentialOptions {
  emulator: EmulatorHandle;
  /** What is wrong, e.g. `wrong client secret`. */
  what: string;
  /** The wrong secret: it must not show in the error. */
  secret: string;
  /** Where the credential goes: the token endpoint, or the API (go~mus: the token is sent with each call). */
  sentTo: 'token endpoint' | 'api';
  attempt(): Promise<unknown>;
}

/**
 * A rejected credential: a `CredentialsError` after exactly one request (never retried), without the secret in its
 * message or fields, that `auth-check` maps to exit code 2.
 */
export function badCredentialScenario(options: BadCredentialOptions): Scenario {
  return {
    name: 'bad credential',
    async run() {
      const counters = countersSince(options.emulator);
      const error = await rejectionOf(options.attempt());
      check(
        CredentialsError.isInstance(error),
        `expected a CredentialsError, got ${error === undefined ? 'success' : describeError(error).name}`,
      );
      const sent = options.sentTo === 'api' ? counters().apiRequests : counters().tokenRequests;
      check(sent === 1, `the rejected credential was sent ${sent} times; it must never be retried`);
      check(findLeakedSecrets([options.secret], [], [error]).length === 0, 'the error shows the secret');
      const exitCode = exitCodeFor(error);
      check(exitCode === exitCodes.credentials, `mapped to exit code ${exitCode}, expected ${exitCodes.credentials}`);
      const reason = error.reason !== undefined && /^[\w.-]+$/.test(error.reason) ? error.reason : undefined;
      const status = [error.status, reason].filter((part) => part !== undefined).join(' ');
      return `${options.what} → CredentialsError (${status}) after 1 request, not retried → exit code ${exitCode}`;
    },
  };
}
