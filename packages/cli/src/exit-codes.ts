import { CredentialsError, NetworkError } from '@auth/core';

/** The exit codes of `auth-check`, for scripts. */
export const exitCodes = Object.freeze({
  /** Credentials accepted (or every demo scenario passed). */
  ok: 0,
  /** Anything else: a usage or configuration error, an API error, a failed demo scenario. */
  other: 1,
  /** The provider rejected the credentials (`CredentialsError`). */
  credentials: 2,
  /** The host could not be reached or did not answer in time (`NetworkError`). */
  unreachable: 3,
});

/** The exit code an error maps to. */
export function exitCodeFor(error: unknown): number {
  if (CredentialsError.isInstance(error)) return exitCodes.credentials;
  if (NetworkError.isInstance(error)) return exitCodes.unreachable;
  return exitCodes.other;
}
