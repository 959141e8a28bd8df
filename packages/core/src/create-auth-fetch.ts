import { type RateLimiter, RateLimiterBusy } from './create-rate-limiter.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { AuthError } from './errors/auth-error.js';
import { NetworkError } from './errors/network-error.js';
import { RateLimitError } from './errors/rate-limit-error.js';
import { followRedirects, isRedirect } from './follow-redirects.js';
import { limitResponseBody } from './limit-response-body.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { redactUrl } from './redact-url.js';
import type { AccessTokenProvider } from './token-manager.js';
import type { TokenSet } from './token-set.js';

/** Per-call state ky forwards to fetch as an unknown option; created by the client's `init` hook. */
export interface CallState {
  attempt: number;
}

export interface AuthFetchOptions {
  /** Supplies the token; without one, requests go out unauthenticated (public access). */
  tokens?: AccessTokenProvider;
  /** @default 'Bearer' */
  scheme?: string;
  logger?: Logger;
  /** Query parameters whose values may appear in logs. */
  visibleQueryParameters?: readonly string[];
  rateLimiter?: RateLimiter;
  /** The longest wait for a rate-limiter slot; a longer one fails at once (the attempt would time out). */
  maxRateLimitWaitMs?: number;
  /** Fields added to every log record, e.g. `{ provider: 'musement', environment: 'staging' }`. */
  logFields?: Record<string, unknown>;
  fetch?: typeof globalThis.fetch;
  /** Read each body before returning, so a connection dropped mid-body is a typed `NetworkError`. @default false */
  bufferBody?: boolean;
  /** For messages. @default '@auth/core' */
  packageName?: string;
  /** Follow same-origin redirects; false refuses every redirect (token requests). @default true */
  followRedirects?: boolean;
  /** The largest response body read, in bytes. @default Infinity */
  maxResponseBytes?: number;
  /** Learns every token sent, so that an echo of it is scrubbed from errors and log records. */
  secrets?: SecretScrubber;
}

type FetchInit = RequestInit & { authCall?: CallState };

/** Errors of this exchange that a retry may heal, unlike our other errors (e.g. one from the token source). */
const retryableErrors = new WeakSet<object>();

export function isRetryableAuthFetchError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retryableErrors.has(error);
}

/**
 * The fetch ky calls for every attempt. It sets the current token (so a retry after a renewal carries the new one),
 * replays once with a replacement token after a 401, keeps to the client-side rate limit, and logs one record per
 * HTTP exchange with the URL redacted.
 */
export function createAuthFetch(options: AuthFetchOptions): typeof globalThis.fetch {
  const { tokens, scheme = 'Bearer', logger = silentLogger, rateLimiter, visibleQueryParameters } = options;
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const logging = logger !== silentLogger;
  const logFields = options.logFields ?? {};

  const packageName = options.packageName ?? '@auth/core';
  const redirectRules = { follow: options.followRedirects !== false, packageName, visibleQueryParameters };
  const bodyLimit = {
    maxBytes: options.maxResponseBytes ?? Number.POSITIVE_INFINITY,
    packageName,
    visibleQueryParameters,
  };
  const exchange = async (request: Request, init: FetchInit): Promise<Response> => {
    // Redirects are ours to follow (see followRedirects): ky sends `redirect: 'manual'`, a caller may not undo it.
    const sent = request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' });
    const spare = redirectRules.follow && sent.body !== null ? sent.clone() : undefined;
    let response = await baseFetch(sent, init);
    if (isRedirect(response.status))
      response = await followRedirects(baseFetch, sent, response, spare, init, redirectRules);
    response = limitResponseBody(sent, response, bodyLimit);
    return options.bufferBody ? buffer(sent, response) : response;
  };

  const buffer = async (request: Request, response: Response): Promise<Response> => {
    let body: ArrayBuffer;
    try {
      body = await response.arrayBuffer();
    } catch (error) {
      // A timeout is reported by ky; a body over the cap is already typed.
      if (request.signal.aborted || AuthError.isInstance(error)) throw error;
      const url = redactUrl(request.url, visibleQueryParameters);
      const dropped = new NetworkError(
        `${packageName}: ${request.method} ${url} failed: the connection dropped while reading the body (${networkReason(error)}).`,
        { method: request.method, url, timedOut: false },
      );
      retryableErrors.add(dropped);
      throw dropped;
    }
    const { status, statusText, headers } = response;
    const buffered = new Response(status === 204 || status === 304 ? null : body, { status, statusText, headers });
    // A constructed Response has no url; keep the real one for whoever reports on it.
    Object.defineProperty(buffered, 'url', { value: response.url });
    return buffered;
  };

  const acquireSlot = async (limiter: RateLimiter, request: Request): Promise<void> => {
    try {
      await limiter.acquire(request.signal, options.maxRateLimitWaitMs);
    } catch (error) {
      if (!(error instanceof RateLimiterBusy)) throw error;
      const url = redactUrl(request.url, visibleQueryParameters);
      const retryAfterMs = Math.ceil(error.waitMs);
      throw new RateLimitError(
        `${packageName}: ${request.method} ${url} not sent: the client-side rateLimit has no slot within timeoutMs (next in ${retryAfterMs} ms).`,
        { status: 429, method: request.method, url, retryAfterMs, source: 'client' },
      );
    }
  };

  const send = async (request: Request, init: FetchInit, attempt: number, replay: boolean): Promise<Response> => {
    if (rateLimiter) await acquireSlot(rateLimiter, request);
    if (!logging) return exchange(request, init);
    const started = performance.now();
    const record = {
      ...logFields,
      timestamp: new Date().toISOString(),
      method: request.method,
      endpoint: redactUrl(request.url, visibleQueryParameters),
      attempt,
      ...(replay ? { replay: true } : {}),
    };
    try {
      const response = await exchange(request, init);
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const level = response.status >= 500 ? 'warn' : 'info';
      const retryAfter =
        response.status === 429 || response.status === 503 ? response.headers.get('retry-after') : null;
      logger[level](
        { ...record, status: response.status, durationMs, ...(retryAfter === null ? {} : { retryAfter }) },
        'http request',
      );
      return response;
    } catch (error) {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      logger.warn({ ...record, error: networkReason(error), durationMs }, 'http request failed');
      throw error;
    }
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
    options.secrets?.add(token.accessToken);
    // Keep an unsent copy only when a replay may need the body again.
    const spare = tokens.invalidate && request.body !== null ? request.clone() : request;
    authorize(request, scheme, token);
    const response = await send(request, fetchInit, attempt, false);
    if (response.status !== 401 || tokens.invalidate === undefined) return response;

    const replacement = await tokens.invalidate(token, signal);
    if (replacement === undefined || replacement.accessToken === token.accessToken) return response;
    await response.body?.cancel().catch(() => undefined);
    authorize(spare, scheme, replacement);
    return send(spare, fetchInit, attempt, true);
  };
}

function authorize(request: Request, scheme: string, token: TokenSet): void {
  request.headers.set('authorization', `${scheme} ${token.accessToken}`);
}

/** Network errors reduced to their code (ECONNRESET, ...), never their text: it may quote a URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}
