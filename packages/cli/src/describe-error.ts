import { AuthError, CredentialsError } from '@auth/core';
import { exitCodeFor, exitCodes } from './exit-codes.js';

/** What the CLI shows of an error. Our errors' messages never hold a secret; foreign errors are shown by name only. */
export interface ErrorSummary {
  name: string;
  code?: string;
  message: string;
  status?: number;
  reason?: string;
  exitCode: number;
}

export function describeError(error: unknown): ErrorSummary {
  const exitCode = exitCodeFor(error);
  if (AuthError.isInstance(error)) {
    const fields = error as AuthError & { status?: unknown; reason?: unknown };
    return {
      name: error.name,
      code: error.code,
      message: error.message,
      ...(typeof fields.status === 'number' && { status: fields.status }),
      ...(CredentialsError.isInstance(error) && error.reason !== undefined && { reason: error.reason }),
      exitCode,
    };
  }
  if (error instanceof Error && error.name === 'UsageError') {
    return { name: error.name, message: error.message, exitCode: exitCodes.other };
  }
  // Anything else may quote what it was given (a URL, a header): show what it is, not what it says.
  const name = error instanceof Error ? error.name : typeof error;
  return { name, message: `unexpected ${name}`, exitCode };
}

/** One line of advice after the error message. */
export function adviceFor(summary: ErrorSummary): string {
  switch (summary.exitCode) {
    case exitCodes.credentials:
      return `the credentials were rejected (exit code ${exitCodes.credentials})`;
    case exitCodes.unreachable:
      return `the host could not be reached (exit code ${exitCodes.unreachable})`;
    default:
      return `exit code ${summary.exitCode}`;
  }
}
