import type { KyInstance } from 'ky';
import { createAuthClient } from './create-auth-client.js';
import type { SecretScrubber } from './create-secret-scrubber.js';
import type { HttpOptions } from './http-options.js';
import { resolveRetryOptions } from './retry-options.js';

export interface TokenClientOptions extends HttpOptions {
  /** The URL token paths are appended to. */
  prefix: string;
  packageName: string;
  headers?: Record<string, string>;
  logFields?: Record<string, unknown>;
  /** Statuses that mean "these credentials are rejected": never retried, surfaced as `CredentialsError`. @default [400, 401, 403] */
  rejectionStatuses?: readonly number[];
  /** The client's secrets: an error body echoing one never yields it as a code, a message or a log field. */
  secrets?: SecretScrubber;
}

/** A token answer is a few hundred bytes; 64 KiB leaves room for any real one and none for a flood. */
const maxTokenResponseBytes = 64 * 1024;

/**
 * A ky instance for a provider's token endpoint, with the endpoint's own rules: POST is retried (on 408, 429, 5xx
 * and network errors, under the same backoff and `Retry-After` floor), bad credentials never are: 400/401/403 become a
 * `CredentialsError` carrying the provider's error code. Error bodies are never kept (an error page may echo the
 * credentials sent), and bodies are read at once, so a connection dropped mid-body is a retried `NetworkError`. A redirect is never
 * followed (`RedirectError`), and an answer over 64 KiB is refused before it is buffered.
 */
export function createTokenClient(options: TokenClientOptions): KyInstance {
  return createAuthClient({
    ...options,
    retry: { ...resolveRetryOptions(options.retry, options.packageName), retryNonIdempotent: true },
    logFields: { ...options.logFields, kind: 'token' },
    keepErrorBody: false,
    bufferBody: true,
    kind: 'token',
    followRedirects: false,
    maxResponseBytes: options.maxResponseBytes ?? maxTokenResponseBytes,
    rejectionStatuses: options.rejectionStatuses ?? [400, 401, 403],
  });
}
