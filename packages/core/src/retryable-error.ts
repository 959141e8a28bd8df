/** Errors of an exchange that a retry may heal, unlike our other errors (e.g. one from the token source). */
const retryable = new WeakSet<object>();

/** Marks `error` as one a retry may heal (a connection dropped mid-body), and returns it. */
export function markRetryable<E extends object>(error: E): E {
  retryable.add(error);
  return error;
}

export function isMarkedRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && retryable.has(error);
}
