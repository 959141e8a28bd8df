import type { RetryOptions } from '@auth/core';
import { abortable, parseRetryAfter, retryDelayMs } from '@auth/core/provider';

/**
 * go~mus answers 202 while an asynchronous process is still running, and asks to be called again after a short
 * back-off. This fetch repeats a GET or HEAD answered 202 with the client's retry policy, the waits computed by core's
 * `retryDelayMs` exactly as its retries are (full jitter over the exponential back-off, the server's `Retry-After`
 * when it sent one, at most `retry.limit` more times, none past `retry.maxRetryAfterMs`, none that would end past the
 * attempt's `timeoutMs`) and returns the last answer as it is: a 202 that outlasts the policy reaches the caller, who can see the process is still running. Other methods are never
 * repeated: a second POST could start a second process. The wait between polls ends at once when the caller's signal
 * aborts, rejecting with the signal's reason; nothing more is sent.
 */
export function pollAccepted(
  fetch: typeof globalThis.fetch,
  retry: Required<RetryOptions>,
  /** The attempt's timeout (`timeoutMs`): the polls run inside one attempt of ky's. */
  attemptTimeoutMs: number,
): typeof globalThis.fetch {
  return async (input, init) => {
    const started = performance.now();
    let response = await fetch(input, init);
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return response;
    const signal = init?.signal ?? request?.signal;
    for (let poll = 0; response.status === 202 && poll < retry.limit; poll++) {
      const waitMs = retryDelayMs(retry, poll + 1, parseRetryAfter(response.headers.get('retry-after')));
      if (waitMs === undefined) break;
      // A wait that ends past the attempt's timeout would only turn this 202 into a timeout, and ky's retry of that
      // would start the polls over: the process has outlasted the policy, so the caller gets the 202.
      if (performance.now() - started + waitMs >= attemptTimeoutMs) break;
      discardBody(response);
      await wait(waitMs, signal);
      response = await fetch(input, init);
    }
    return response;
  };
}

/** Sleeps `waitMs`; an abort ends it at once with the signal's reason, and clears the timer. */
async function wait(waitMs: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await abortable(new Promise((resolve) => (timer = setTimeout(resolve, waitMs))), signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lets go of a 202 body nobody reads, without waiting: a stream's cancel may never settle, or may fail (a locked or
 * errored body, a custom `fetch`); neither may hold up the poll or surface as an unhandled rejection.
 */
function discardBody(response: Response): void {
  try {
    response.body?.cancel().catch(() => undefined);
  } catch {
    // Nothing to release that the garbage collector will not.
  }
}
