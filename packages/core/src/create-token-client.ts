import type { KyInstance } from 'ky';
import { createAuthClient, type HttpOptions } from './create-auth-client.js';
import { CredentialsError } from './errors/credentials-error.js';
import { resolveRetryOptions } from './retry-options.js';

export interface TokenClientOptions extends HttpOptions {
  /** The URL token paths are appended to. */
  prefix: string;
  packageName: string;
  headers?: Record<string, string>;
  logFields?: Record<string, unknown>;
  /** Statuses that mean "these credentials are rejected": never retried, surfaced as `CredentialsError`. @default [400, 401, 403] */
  rejectionStatuses?: readonly number[];
}

/**
 * A ky instance for a provider's token endpoint, with the endpoint's own rules: POST is retried (on 408, 429, 5xx
 * and network errors, under the same backoff and `Retry-After` floor), bad credentials never are: 400/401/403 become a
 * `CredentialsError` carrying the provider's error code but never its echo of what we sent.
 */
export function createTokenClient(options: TokenClientOptions): KyInstance {
  const rejectionStatuses = options.rejectionStatuses ?? [400, 401, 403];
  const { packageName } = options;
  return createAuthClient({
    ...options,
    retry: { ...resolveRetryOptions(options.retry, packageName), retryNonIdempotent: true },
    logFields: { ...options.logFields, kind: 'token' },
    hooks: {
      beforeError: [
        ({ error }) => {
          const status = (error as { status?: number }).status;
          if (status === undefined || !rejectionStatuses.includes(status)) return error;
          const data = (error as { data?: unknown }).data;
          const reason = providerErrorCode(data);
          return new CredentialsError(
            `${packageName}: the token endpoint rejected the credentials (${status}${reason ? ` ${reason}` : ''}).`,
            { status, ...(reason ? { reason } : {}) },
          );
        },
      ],
    },
  });
}

/** OAuth2 `error` or a `{code}` envelope, when it looks like a code (short, no spaces), never free text. */
function providerErrorCode(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const candidate = record.error ?? record.code;
  const value = typeof candidate === 'number' ? String(candidate) : candidate;
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : undefined;
}
