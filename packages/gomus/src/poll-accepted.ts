import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, parseRetryAfter, type RetryOptions } from '@auth/core';

/**
 * go~mus answers 202 while an asynchronous process is still running, and asks to be called again after a short
 * back-off. This fetch repeats a GET or HEAD answered 202 with the client's retry policy (exponential backoff with
 * jitter, `Retry-After` as a floor, at most `retry.limit` more times) and returns the last answer as it is: a 202
 * that outlasts the policy reaches the caller, who can see the process is still running. Other methods are never
 * repeated: a second POST could start a second process.
 */
export function pollAccepted(fetch: typeof globalThis.fetch, retry: Required<RetryOptions>): typeof globalThis.fetch {
  return async (input, init) => {
    let response = await fetch(input, init);
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return response;
    const signal = init?.signal ?? request?.signal;
    for (let poll = 0; response.status === 202 && poll < retry.limit; poll++) {
      const waitMs = Math.max(
        backoffDelayMs(retry, poll + 1) * (0.5 + Math.random() / 2),
        parseRetryAfter(response.headers.get('retry-after')) ?? 0,
      );
      if (waitMs > retry.maxRetryAfterMs) break;
      await response.body?.cancel();
      await sleep(waitMs, undefined, signal ? { signal } : {});
      response = await fetch(input, init);
    }
    return response;
  };
}
