import {
  ApiError,
  AuthError,
  ConfigError,
  CredentialsError,
  NetworkError,
  RateLimitError,
  RedirectError,
} from '@auth/core';

/** What a call ended with, as a user of the packages would tell it apart. */
export type OutcomeKind =
  | 'ok'
  | 'RateLimitError'
  | 'RedirectError'
  | 'CredentialsError'
  | 'aborted'
  | 'NetworkError'
  | 'ApiError'
  | 'ConfigError'
  | 'AuthError'
  | 'untyped';

export interface Outcome {
  kind: OutcomeKind;
  /** HTTP status of an ApiError (and RateLimitError) or CredentialsError. */
  status?: number;
  /** NetworkError: the timeout or the deadline ran out. */
  timedOut?: boolean;
  /** RateLimitError: the wait the provider asked for. */
  retryAfterMs?: number;
  /** For an untyped error: its name and message, to say what escaped. */
  detail?: string;
}

/** Sorts a settled call into the typed error it surfaced (most specific first), `ok`, or `untyped`. */
export function classifyOutcome(settled: PromiseSettledResult<unknown>, abortReason?: unknown): Outcome {
  if (settled.status === 'fulfilled') return { kind: 'ok' };
  const error: unknown = settled.reason;
  if (abortReason !== undefined && error === abortReason) return { kind: 'aborted' };
  if (RateLimitError.isInstance(error)) {
    return {
      kind: 'RateLimitError',
      status: error.status,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  if (RedirectError.isInstance(error)) return { kind: 'RedirectError', status: error.status };
  if (CredentialsError.isInstance(error)) {
    return { kind: 'CredentialsError', ...(error.status === undefined ? {} : { status: error.status }) };
  }
  if (NetworkError.isInstance(error)) return { kind: 'NetworkError', timedOut: error.timedOut };
  if (ApiError.isInstance(error)) return { kind: 'ApiError', status: error.status };
  if (ConfigError.isInstance(error)) return { kind: 'ConfigError' };
  if (AuthError.isInstance(error)) return { kind: 'AuthError', detail: error.message };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'untyped', detail };
}

/** Short text for tables: `ok`, `ApiError 503`, `NetworkError (timeout)`, `RateLimitError 429 (3600 s)`. */
export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'ok':
      return 'ok';
    case 'NetworkError':
      return outcome.timedOut ? 'NetworkError timeout' : 'NetworkError';
    case 'RateLimitError':
      return `RateLimitError ${outcome.status}${outcome.retryAfterMs === undefined ? '' : ` (${outcome.retryAfterMs / 1000} s)`}`;
    case 'untyped':
    case 'AuthError':
      return outcome.detail === undefined ? outcome.kind : `${outcome.kind}: ${outcome.detail.slice(0, 80)}`;
    default:
      return outcome.status === undefined ? outcome.kind : `${outcome.kind} ${outcome.status}`;
  }
}
