import { ApiError, AuthError } from '@auth/core';
import type { ApiErrorOptions } from '@auth/core/provider';

const marker = 'auth.error.gomus.validation';

/**
 * go~mus refused the data (422), e.g. `{"error": "customer could not be saved", "errors": ["Email can't be blank"]}`.
 * Fix the data; retrying the same request will not help. Use `ValidationError.isInstance(error)`: it works across
 * duplicate installs, where `instanceof` does not.
 */
export class ValidationError extends ApiError {
  override readonly name = 'ValidationError';
  override readonly code = 'VALIDATION';
  /** The server's summary, e.g. `customer could not be saved`, when it sent one. */
  readonly summary: string | undefined;
  /** The server's messages, one per problem, e.g. `Email can't be blank`. Empty when it sent none. */
  readonly errors: readonly string[];

  constructor(options: ApiErrorOptions & { summary?: string; errors?: readonly string[] }) {
    super(options);
    this.summary = options.summary;
    this.errors = Object.freeze([...(options.errors ?? [])]);
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is ValidationError {
    return AuthError.hasMarker(error, marker);
  }
}
