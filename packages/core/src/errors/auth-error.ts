const marker = 'auth.error';
const symbol = Symbol.for(marker);

/** Options every error of the family accepts. */
export interface AuthErrorOptions {
  /** The underlying cause. Only pass values that cannot carry a secret (never a Request or a raw ky error). */
  cause?: unknown;
}

/**
 * Base of every error thrown by `@auth/*` packages. Messages start with the package name and never contain a secret.
 * Use the static `isInstance` checks rather than `instanceof`: they work across duplicate installs of the package.
 */
export class AuthError extends Error {
  override readonly name: string = 'AuthError';
  /** A stable, machine-readable code, e.g. `CONFIG`, `CREDENTIALS`, `RATE_LIMIT`, `API`, `NETWORK`. */
  readonly code: string = 'AUTH';

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message);
    // Markers are non-enumerable so they stay out of util.inspect and JSON output.
    Object.defineProperty(this, symbol, { value: true, enumerable: false });
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', {
        value: options.cause,
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }

  static isInstance(error: unknown): error is AuthError {
    return AuthError.hasMarker(error, marker);
  }

  /** @internal Marks `error` with the given marker name (non-enumerable). */
  protected static mark(error: object, name: string): void {
    Object.defineProperty(error, Symbol.for(name), { value: true, enumerable: false });
  }

  /** @internal */
  protected static hasMarker(error: unknown, name: string): boolean {
    return typeof error === 'object' && error !== null && Symbol.for(name) in error;
  }
}
