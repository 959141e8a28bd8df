import { AuthError, type AuthErrorOptions } from './auth-error.js';

const marker = 'auth.error.config';

/** Thrown at construction when an option is missing or invalid. The message names the option (and its env variable). */
export class ConfigError extends AuthError {
  override readonly name = 'ConfigError';
  override readonly code = 'CONFIG';
  /** The option that needs fixing, e.g. `clientId`. */
  readonly option: string | undefined;

  constructor(message: string, options: AuthErrorOptions & { option?: string } = {}) {
    super(message, options);
    this.option = options.option;
    AuthError.mark(this, marker);
  }

  static override isInstance(error: unknown): error is ConfigError {
    return AuthError.hasMarker(error, marker);
  }
}
