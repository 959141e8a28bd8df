import { type AuthEventListener, emitEvent } from './auth-event.js';
import { createExchange } from './create-exchange.js';
import { createRateLimitGate } from './create-rate-limit-gate.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { discardBody } from './discard-body.js';
import type { ErrorContext } from './errors/api-error.js';
import { fingerprintToken } from './fingerprint-token.js';
import type { Instrumentation } from './instrumentation.js';
import type { Logger } from './logger.js';
import { createAttemptObserver } from './observe-attempt.js';
import type { RateLimiter } from './rate-limiter.js';
import { defaultRetryOptions } from './retry-options.js';
import type { TokenSet } from './token-set.js';
import type { AccessTokenProvider } from './token-source.js';

/** Per-call state ky forwards to fetch as an unknown option; created by the client's `init` hook. */
export interface CallState {
  attempt: number;
}

export interface AuthFetchOptions extends Required<ErrorContext> {
  /** Already guarded; undefined measures nothing. */
  telemetry?: Instrumentation | undefined;
  onEvent?: AuthEventListener | undefined;
  /** `token` for a token endpoint's client. @default 'api' */
  kind?: 'api' | 'token';
  /** Supplies the token; without one, requests go out unauthenticated (public access). */
  tokens?: AccessTokenProvider | undefined;
  /** @default 'Bearer' */
  scheme?: string | undefined;
  /** Already scrubbing known secrets; `silentLogger` logs nothing (and costs nothing). */
  logger: Logger;
  /** Fields added to every log record, e.g. `{ provider: 'musement', environment: 'staging' }`. */
  logFields?: Record<string, unknown> | undefined;
  rateLimiter?: RateLimiter | undefined;
  /** The longest wait for a rate-limiter slot; a longer one fails at once (the attempt would time out). */
  maxRateLimitWaitMs: number;
  /**
   * The longest pause a 429/503 `Retry-After` puts on the rate limiter (`retry.maxRetryAfterMs`).
   * @default 60_000
   */
  maxRateLimitPauseMs?: number | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /** Sent on every attempt unless the request already has a header of that name (the call's own wins). */
  headers: Record<string, string>;
  /** Read each body before returning (token answers), so a connection dropped mid-body is a typed `NetworkError`. */
  bufferBody: boolean;
  /** Follow same-origin redirects; false refuses every redirect (token requests). */
  followRedirects: boolean;
  /** The largest response body read, in bytes. */
  maxResponseBytes: number;
  /** Learns every token sent, so that an echo of it is scrubbed from errors and log records. */
  secrets: SecretScrubber;
  /**
   * Asks again, inside the attempt, while an answer says "not ready" (go~mus' 202): see `pollWhile`. Each request it
   * sends goes through the rate limiter and gets its own log record and span.
   */
  poll?: ((send: AttemptSender) => AttemptSender) | undefined;
}

/** Sends one request of an attempt the engine's way: rate-limit slot, exchange, log record and span. */
export type AttemptSender = (
  request: Request,
  init: RequestInit,
  attempt: number,
  replay: boolean,
  token: TokenSet | undefined,
) => Promise<Response>;

type FetchInit = RequestInit & { authCall?: CallState };

/**
 * The fetch ky calls for every attempt. It sets the current token (so a retry after a renewal carries the new one),
 * replays once with a replacement token after a 401, keeps to the client-side rate limit, follows only same-origin
 * redirects, caps the body, and logs one record per HTTP exchange with the URL redacted.
 */
export function createAuthFetch(options: AuthFetchOptions): typeof globalThis.fetch {
  const { tokens, scheme = 'Bearer', secrets, telemetry, onEvent } = options;
  const context: Required<ErrorContext> = {
    packageName: options.packageName,
    visibleQueryParameters: options.visibleQueryParameters,
  };
  const exchange = createExchange({
    ...context,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    followRedirects: options.followRedirects,
    maxResponseBytes: options.maxResponseBytes,
    bufferBody: options.bufferBody,
  });
  const provider = options.logFields?.provider as string | undefined;
  const eventFields = { package: context.packageName, ...(provider !== undefined && { provider }) };
  const gate =
    options.rateLimiter &&
    createRateLimitGate({
      ...context,
      limiter: options.rateLimiter,
      maxWaitMs: options.maxRateLimitWaitMs,
      maxPauseMs: options.maxRateLimitPauseMs ?? defaultRetryOptions.maxRetryAfterMs,
      telemetry,
      onEvent,
      eventFields,
    });
  /** Per-attempt work (a record, a span, a fingerprint) only when someone reads it. */
  const observe = createAttemptObserver({
    logger: options.logger,
    logFields: options.logFields ?? {},
    telemetry,
    kind: options.kind ?? 'api',
    provider,
    visibleQueryParameters: context.visibleQueryParameters,
  });

  const send: AttemptSender = async (request, init, attempt, replay, token) => {
    if (gate) await gate.enter(request);
    const response = await (observe
      ? observe(
          { request, attempt, replay, token: token === undefined ? undefined : fingerprintOf(token.accessToken) },
          () => exchange(request, init),
        )
      : exchange(request, init));
    gate?.leave(response);
    return response;
  };
  /** `send`, then the poll's further requests while an answer says "not ready". */
  const sendAll = options.poll?.(send) ?? send;

  let lastLearned: string | undefined;
  /** The last token's fingerprint: the same token serves many calls, and a hash per call would cost. */
  let lastFingerprint: { token: string; fingerprint: string } | undefined;
  const fingerprintOf = (accessToken: string): string => {
    if (lastFingerprint?.token !== accessToken) {
      lastFingerprint = { token: accessToken, fingerprint: fingerprintToken(accessToken) };
    }
    return lastFingerprint.fingerprint;
  };

  const defaultHeaders = Object.entries(options.headers);

  return async (input, init = {}) => {
    const request = input instanceof Request ? input : new Request(input, init);
    for (const [name, value] of defaultHeaders) if (!request.headers.has(name)) request.headers.set(name, value);
    const fetchInit = init as FetchInit;
    const state = fetchInit.authCall;
    const attempt = state ? ++state.attempt : 1;
    if (tokens === undefined) return sendAll(request, fetchInit, attempt, false, undefined);

    const signal = { signal: request.signal };
    const token = await tokens.getToken(signal);
    if (token === undefined) return sendAll(request, fetchInit, attempt, false, undefined);
    // The scrubber learns each token once (the same token serves many calls).
    if (token.accessToken !== lastLearned) {
      secrets.add(token.accessToken);
      lastLearned = token.accessToken;
    }
    // Keep an unsent copy only when a replay may need the body again.
    const spare = tokens.invalidate && request.body !== null ? request.clone() : request;
    authorize(request, scheme, token);
    const response = await sendAll(request, fetchInit, attempt, false, token);
    if (response.status !== 401 || tokens.invalidate === undefined) return response;
    if (onEvent !== undefined) {
      emitEvent(onEvent, { type: 'token.rejected', fingerprint: fingerprintToken(token.accessToken) }, eventFields);
    }

    const replacement = await tokens.invalidate(token, signal);
    if (replacement === undefined || replacement.accessToken === token.accessToken) return response;
    discardBody(response);
    authorize(spare, scheme, replacement);
    telemetry?.replayed(provider);
    return sendAll(spare, fetchInit, attempt, true, replacement);
  };
}

function authorize(request: Request, scheme: string, token: TokenSet): void {
  request.headers.set('authorization', `${scheme} ${token.accessToken}`);
}
