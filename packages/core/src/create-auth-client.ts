import ky, { type Hooks, type KyInstance } from 'ky';
import { assertSafeBaseUrl } from './assert-safe-base-url.js';
import { type CallState, createAuthFetch } from './create-auth-fetch.js';
import { createJsonParser } from './create-json-parser.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import { createRetryDecision } from './decide-retry.js';
import type { HttpOptions } from './http-options.js';
import { silentLogger } from './logger.js';
import type { AnswerPoller } from './poll-while.js';
import { resolveHttpOptions } from './resolve-http-options.js';
import { toKyRetry } from './retry-options.js';
import { toAuthError } from './to-auth-error.js';
import type { AccessTokenProvider } from './token-source.js';
import { validateHeaders } from './validate-headers.js';

export interface AuthClientOptions extends HttpOptions {
  /** The URL every request path is appended to, e.g. `https://api.musement.com/api/v3/`. */
  prefix: string;
  /** Supplies tokens; without it requests are unauthenticated. */
  tokens?: AccessTokenProvider;
  /** @default 'Bearer' */
  scheme?: string;
  /**
   * Headers sent on every request, the token request's included. A header of the same name set by the call (its
   * `headers` option or a `beforeRequest` hook) wins. They are set as the request leaves, so hooks do not see them;
   * `accept` and `content-type` are the exception (ky fills those in itself when missing): hooks see them.
   */
  headers?: Record<string, string>;
  /** Package name used in messages and log records. @default '@auth/core' */
  packageName?: string;
  /** Fields added to every log record. */
  logFields?: Record<string, unknown>;
  /** Extra ky hooks, run after ours. */
  hooks?: Hooks;
  /**
   * Rewrites the typed error of a failed call (a provider's error envelope into the message, its own error classes);
   * runs inside the engine's error hook, before secrets are scrubbed, so that what it quotes is scrubbed too.
   */
  mapError?: (error: Error) => Error;
  /** Keep the body of an error answer as `ApiError.data`. Token clients drop it: it may echo the credentials. @default true */
  keepErrorBody?: boolean;
  /**
   * Read every answer whole before returning it, so that a connection dropped mid-body is a retried `NetworkError`.
   * Token clients do (their answers are small); API clients leave bodies to the caller. @default false
   */
  bufferBody?: boolean;
  /** Statuses that become a `CredentialsError` (token endpoints: 400, 401, 403). @default none */
  rejectionStatuses?: readonly number[];
  /**
   * Follow same-origin redirects (fetch's method rules). Redirects to another origin or from https to http are never
   * followed: they fail with a `RedirectError` naming the target's origin, and nothing is sent there. Token clients
   * turn this off: a token request never follows any redirect. @default true
   */
  followRedirects?: boolean;
  /** The secrets whose echoes are scrubbed from errors and log records; share it with the token manager. */
  secrets?: SecretScrubber;
  /** `token` for a token endpoint's client: its attempt spans say so. @default 'api' */
  kind?: 'api' | 'token';
  /**
   * Asks again while an answer says "not ready", inside the attempt and with the retry policy's waits, e.g.
   * `pollWhile(202)` (go~mus). Each request goes through the rate limiter and gets its own log record. @default none
   */
  poll?: AnswerPoller;
}

const allMethods = ['get', 'head', 'put', 'delete', 'options', 'trace', 'query', 'post', 'patch'];

/**
 * A ky instance wired with the whole engine: the current token on every attempt, one replay after a 401 with a
 * renewed token, retry with full-jitter backoff under `Retry-After` floors, a total deadline, one redacted log record
 * per exchange, and typed errors. Providers wrap it; users call it like any ky instance.
 */
export function createAuthClient(options: AuthClientOptions): KyInstance {
  const packageName = options.packageName ?? '@auth/core';
  const http = resolveHttpOptions(options, packageName, options.secrets);
  validateHeaders(options.headers, packageName);
  const prefix = `${assertSafeBaseUrl(options.prefix, { packageName, allowInsecureHttp: http.allowInsecureHttp })}/`;
  const { secrets, visibleQueryParameters } = http;
  const context = { packageName, visibleQueryParameters };
  const kyRetry = toKyRetry(http.retry);
  const { telemetry } = http;
  const provider = options.logFields?.provider as string | undefined;
  const decideRetry = createRetryDecision(
    http.retry,
    kyRetry.methods ?? [],
    context,
    telemetry && ((waitMs) => telemetry.waited('retry_after', waitMs, provider)),
  );
  const tokens = options.tokens;
  const { mapError } = options;
  // accept and content-type go through ky, which fills them in itself (.json(), a json body) unless they are set;
  // the others are set by our fetch, as ky would merge them into a new Headers on every call.
  const kyHeaders: Record<string, string> = {};
  const fetchHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    (/^(accept|content-type)$/i.test(name) ? kyHeaders : fetchHeaders)[name] = value;
  }

  return ky.create({
    prefix,
    fetch: createAuthFetch({
      ...context,
      tokens,
      scheme: options.scheme,
      logger: http.logger,
      logFields: options.logFields,
      rateLimiter: http.rateLimiter,
      maxRateLimitWaitMs: http.timeoutMs,
      maxRateLimitPauseMs: http.retry.maxRetryAfterMs,
      fetch: http.fetch,
      headers: fetchHeaders,
      bufferBody: options.bufferBody ?? false,
      followRedirects: options.followRedirects !== false,
      maxResponseBytes: http.maxResponseBytes,
      secrets,
      telemetry,
      onEvent: options.onEvent,
      kind: options.kind ?? 'api',
      poll: options.poll?.({ retry: http.retry, attemptTimeoutMs: http.timeoutMs }),
    }),
    // Redirects are handled by our fetch: only same-origin ones are followed.
    redirect: 'manual',
    timeout: http.timeoutMs,
    totalTimeout: http.totalTimeoutMs,
    retry: {
      ...kyRetry,
      // Every method reaches shouldRetry, which decides by method: a 429 (not processed) is retried for any method.
      methods: allMethods,
      shouldRetry: ({ error }) => decideRetry(error),
    },
    ...(Object.keys(kyHeaders).length > 0 && { headers: kyHeaders }),
    parseJson: createJsonParser(context),
    hooks: {
      // Every hook costs each call (ky clones the options for init hooks and races each beforeRequest hook against
      // totalTimeout), so ours are only there when they have work to do.
      init: [
        // Forwarded by ky to our fetch: counts the attempts of this one call, for the log records.
        ...(http.logger !== silentLogger || (telemetry && telemetry.tracesAttempts !== false)
          ? [
              (init: object) => {
                (init as { authCall?: CallState }).authCall = { attempt: 0 };
              },
            ]
          : []),
        ...(options.hooks?.init ?? []),
      ],
      beforeRequest: [
        // Wait for a token before ky starts this attempt's timer: a slow login must not count against (and be
        // reported as) a timeout of an API request that was never sent. Later attempts find the token cached.
        ...(tokens && !tokens.immediate
          ? [
              async ({ request }: { request: Request }) => {
                const started = telemetry ? performance.now() : 0;
                await tokens.getToken({ signal: request.signal });
                const waitedMs = telemetry ? performance.now() - started : 0;
                if (waitedMs >= 1) telemetry?.waited('token', waitedMs, provider);
              },
            ]
          : []),
        ...(options.hooks?.beforeRequest ?? []),
      ],
      beforeRetry: options.hooks?.beforeRetry ?? [],
      // No afterResponse hook of ours: ky clones every response for each one (measured: -11% throughput).
      afterResponse: options.hooks?.afterResponse ?? [],
      beforeError: [
        ({ error, request }) => {
          const typed = toAuthError(error, {
            ...context,
            method: request.method,
            url: request.url,
            keepBody: options.keepErrorBody !== false,
            secrets,
            ...(options.rejectionStatuses ? { rejectionStatuses: options.rejectionStatuses } : {}),
          });
          return secrets.scrubError(mapError ? mapError(typed) : typed);
        },
        ...(options.hooks?.beforeError ?? []),
      ],
    },
  });
}
