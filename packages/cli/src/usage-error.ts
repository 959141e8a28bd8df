/** A mistake on the command line or a missing setting: reported with the usage hint, exit code 1. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
