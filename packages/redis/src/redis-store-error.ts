import { AuthError } from '@auth/core';
import type { AuthErrorOptions } from '@auth/core/provider';

const marker = 'auth.error.redis-store';

/** What the store (or the rate limiter) was doing when Redis failed it. */
export type RedisStoreOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'acquireLease'
  | 'extendLease'
  | 'releaseLease'
  | 'acquireRateLimit'
  | 'pauseRateLimit';

/**
 * Redis did not answer a store operation in time, was not connected, or answered with an error. `TokenManager`
 * treats it as a store outage: requests keep working with a token of the process's own, and sharing resumes when Redis
 * is back. The message never carries a token, a stored record or a connection password.
 */
export class RedisStoreError extends AuthError {
  override readonly name = 'RedisStoreError';
  override readonly code = 'REDIS_STORE';
  readonly operation: RedisStoreOperation;
  /** True when the operation ran out of `operationTimeoutMs` (or a recent timeout put the store on hold). */
  readonly timedOut: boolean;

  constructor(message: string, options: AuthErrorOptions & { operation: RedisStoreOperation; timedOut?: boolean }) {
    super(message, options);
    this.operation = options.operation;
    this.timedOut = options.timedOut ?? false;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is RedisStoreError {
    return AuthError.hasMarker(error, marker);
  }
}
