import { type AuthEventListener, emitEvent } from './auth-event.js';
import { bufferResponse } from './buffer-response.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import type { ErrorContext } from './errors/api-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { failureReason } from './failure-reason.js';
import { fingerprintToken } from './fingerprint-token.js';
import { followRedirects, isRedirect } from './follow-redirects.js';
import type { Instrumentation } from './instrumentation.js';
import { limitResponseBody } from './limit-response-body.js';
import { createExchangeLog, type ExchangeRecord } from './log-exchange.js';
import { type Logger, silentLogger } from './logger.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { type RateLimiter, RateLimiterBusy } from './rate-limiter.js';
import { redactUrl } from './redact-url.js';
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
  /** Read each body before returning (token answers), so a connection dropped mid-body is a typed `NetworkError`. */
  bufferBody: boolean;
  /** Follow same-origin redirects; false refuses every redirect (token requests). */
  followRedirects: boolean;
  /** The largest response body read, in bytes. */
  maxResponseBytes: number;
  /** Learns every token sent, so that an echo of it is scrubbed from errors and log records. */
  secrets: SecretScrubber;
}

type FetchInit = RequestInit & { authCall?: CallState };

/**
 * The fetch ky calls for every attempt. It sets the current token (so a retry after a renewal carries the new one),
 * replays once with a replacement token after a 401, keeps to the client-side rate limit, follows only same-origin
 * redirects, caps the body, and logs one record per HTTP exchange with the URL redacted.
 */
export function createAuthFetch(options: AuthFetchOptions): typeof globalThis.fetch {
  const { tokens, scheme = 'Bearer', logger, rateLimiter, secrets } = options;
  const context: Required<ErrorContext> = {
    packageName: options.packageName,
    visibleQueryParameters: options.visibleQueryParameters,
  };
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const redirectRules = { ...context, follow: options.followRedirects };
  const bodyLimit = { ...context, maxBytes: options.maxResponseBytes };
  const log =
    logger === silentLogger
      ? undefined
      : createExchangeLog(logger, options.logFields ?? {}, context.visibleQueryParameters);

  const exchange = async (request: Request, init: FetchInit): Promise<Response> => {
    // Redirects are ours to follow (see followRedirects): ky sends `redirect: 'manual'`, a caller may not undo it.
    const sent = request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' });
    const spare = options.followRedirects && sent.body !== null ? sent.clone() : undefined;
    let response = await baseFetch(sent, init);
    if (isRedirect(response.status)) {
      response = await followRedirects(baseFetch, sent, response, spare, init, redirectRules);
    }
    response = limitResponseBody(sent, response, bodyLimit);
    return options.bufferBody ? bufferResponse(sent, response, context) : response;
  };

  const { telemetry, onEvent } = options;
  const provider = options.logFields?.provider as string | undefined;
  const eventFields = { package: context.packageName, ...(provider !== undefined && { provider }) };
  const tracesAttempts = telemetry !== undefined && telemetry.tracesAttempts !== false;
  /** Per-attempt work (a record, a span, a fingerprint) only when someone reads it. */
  const observed = log !== undefined || tracesAttempts;

  const acquireSlot = async (limiter: RateLimiter, request: Request): Promise<void> => {
    try {
      await limiter.acquire(request.signal, options.maxRateLimitWaitMs);
    } catch (error) {
      if (!RateLimiterBusy.isInstance(error)) throw error;
      const retryAfterMs = Math.ceil(error.waitMs);
      throw new RateLimitError({
        ...context,
        status: 429,
        method: request.method,
        url: request.url,
        retryAfterMs,
        source: 'client',
        detail: `not sent: the client-side rateLimit has no slot within timeoutMs (next in ${retryAfterMs} ms)`,
      });
    }
  };

  const maxPauseMs = options.maxRateLimitPauseMs ?? defaultRetryOptions.maxRetryAfterMs;
  /**
   * The provider said when to come back: every caller sharing the limiter holds until then (the whole fleet, for a
   * shared limiter), instead of each sending into the same wall. A limiter that cannot pause, or fails to, is left as is.
   */
  const pauseLimiter = (limiter: RateLimiter, response: Response): void => {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfterMs === undefined || retryAfterMs <= 0 || limiter.pause === undefined) return;
    const untilEpochMs = Date.now() + Math.min(retryAfterMs, maxPauseMs);
    try {
      Promise.resolve(limiter.pause(untilEpochMs)).catch(() => undefined);
    } catch {}
    emitEvent(onEvent, { type: 'rate_limit.paused', untilEpochMs }, eventFields);
  };

  const observe = async (request: Request, init: FetchInit, record: ExchangeRecord): Promise<Response> => {
    const end = (tracesAttempts ? telemetry : undefined)?.attempt({
      method: request.method,
      get url() {
        return redactUrl(request.url, context.visibleQueryParameters);
      },
      resendCount: record.attempt - 1 + (record.replay ? 1 : 0),
      kind: options.kind ?? 'api',
      provider,
      tokenFingerprint: record.token,
    });
    try {
      const response = await (log ? log(record, () => exchange(request, init)) : exchange(request, init));
      end?.({ status: response.status });
      return response;
    } catch (error) {
      end?.({ error: failureReason(error) });
      throw error;
    }
  };

  const send = async (
    request: Request,
    init: FetchInit,
    attempt: number,
    replay: boolean,
    token?: TokenSet,
  ): Promise<Response> => {
    if (rateLimiter) {
      const waitStarted = telemetry ? performance.now() : 0;
      await acquireSlot(rateLimiter, request);
      const waitedMs = telemetry ? performance.now() - waitStarted : 0;
      if (waitedMs >= 1) telemetry?.waited('rate_limit', waitedMs, provider);
    }
    const response = await (observed
      ? observe(request, init, {
          request,
          attempt,
          replay,
          token: token === undefined ? undefined : fingerprintOf(token.accessToken),
        })
      : exchange(request, init));
    if (rateLimiter && (response.status === 429 || response.status === 503)) pauseLimiter(rateLimiter, response);
    return response;
  };

  let lastLearned: string | undefined;
  /** The last token's fingerprint: the same token serves many calls, and a hash per call would cost. */
  let lastFingerprint: { token: string; fingerprint: string } | undefined;
  const fingerprintOf = (accessToken: string): string => {
    if (lastFingerprint?.token !== accessToken) {
      lastFingerprint = { token: accessToken, fingerprint: fingerprintToken(accessToken) };
    }
    return lastFingerprint.fingerprint;
  };

  return async (input, init = {}) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const fetchInit = init as FetchInit;
    const state = fetchInit.authCall;
    const attempt = state ? ++state.attempt : 1;
    if (tokens === undefined) return send(request, fetchInit, attempt, false);

    const signal = { signal: request.signal };
    const token = await tokens.getToken(signal);
    if (token === undefined) return send(request, fetchInit, attempt, false);
    // The scrubber learns each token once (the same token serves many calls).
    if (token.accessToken !== lastLearned) {
      secrets.add(token.accessToken);
      lastLearned = token.accessToken;
    }
    // Keep an unsent copy only when a replay may need the body again.
    const spare = tokens.invalidate && request.body !== null ? request.clone() : request;
    authorize(request, scheme, token);
    const response = await send(request, fetchInit, attempt, false, token);
    if (response.status !== 401 || tokens.invalidate === undefined) return response;
    if (onEvent !== undefined) {
      emitEvent(onEvent, { type: 'token.rejected', fingerprint: fingerprintToken(token.accessToken) }, eventFields);
    }

    const replacement = await tokens.invalidate(token, signal);
    if (replacement === undefined || replacement.accessToken === token.accessToken) return response;
    await response.body?.cancel().catch(() => undefined);
    authorize(spare, scheme, replacement);
    telemetry?.replayed(provider);
    return send(spare, fetchInit, attempt, true, replacement);
  };
}

function authorize(request: Request, scheme: string, token: TokenSet): void {
  request.headers.set('authorization', `${scheme} ${token.accessToken}`);
}
