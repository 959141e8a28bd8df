import { abortable } from './abortable.js';
import type { AttemptSender } from './create-auth-fetch.js';
import { discardBody } from './discard-body.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { type RetryOptions, retryDelayMs } from './retry-options.js';

/** What the engine tells a poller: the client's retry policy and the time each attempt has. */
export interface PollSettings {
  /** The polls' limit, back-off and `Retry-After` cap. */
  retry: Required<RetryOptions>;
  /** ky times an attempt out after this long (`timeoutMs`): no wait may end past it. */
  attemptTimeoutMs: number;
}

/** Made by `pollWhile`: the engine sends each request of an attempt through it. */
export type AnswerPoller = (settings: PollSettings) => (send: AttemptSender) => AttemptSender;

/**
 * For a provider whose answer `status` means "still running, ask again" (go~mus: 202). A GET or HEAD so answered is
 * asked again inside the same attempt, with the waits of the retry policy (full jitter over the back-off, the
 * server's `Retry-After` when it sent one, none past `retry.maxRetryAfterMs`), at most `retry.limit` more times and
 * never with a wait that would end past the attempt's timeout, counted from the attempt's start (a wait for a
 * rate-limit slot included). Each poll is sent the engine's way: a rate-limit slot, a log record, a span. The last
 * answer is returned as it is: a process that outlasts the policy reaches the caller, who can see it is still running.
 * Other methods are never repeated (a second POST could start a second process). An abort ends a wait at once with
 * the signal's reason.
 */
export function pollWhile(status: number): AnswerPoller {
  return ({ retry, attemptTimeoutMs }) =>
    (send) => {
      // ky hands each attempt its own init object (a 401's replay shares it): when the attempt started.
      const deadlines = new WeakMap<RequestInit, number>();
      return async (request, init, ...rest) => {
        if (!deadlines.has(init)) deadlines.set(init, performance.now() + attemptTimeoutMs);
        let response = await send(request, init, ...rest);
        if (request.method !== 'GET' && request.method !== 'HEAD') return response;
        for (let poll = 1; response.status === status && poll <= retry.limit; poll++) {
          const waitMs = retryDelayMs(retry, poll, parseRetryAfter(response.headers.get('retry-after')));
          // A wait ending past the attempt's timeout would turn this answer into a timeout, and ky's retry of that
          // would start the polls over.
          if (waitMs === undefined || performance.now() + waitMs >= (deadlines.get(init) as number)) break;
          discardBody(response);
          await wait(waitMs, request.signal);
          response = await send(request, init, ...rest);
        }
        return response;
      };
    };
}

/** Sleeps `waitMs`; an abort ends it at once with the signal's reason, and clears the timer. */
async function wait(waitMs: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await abortable(new Promise((resolve) => (timer = setTimeout(resolve, waitMs))), signal);
  } finally {
    clearTimeout(timer);
  }
}
