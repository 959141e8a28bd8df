/**
 * Lets go of an answer's body nobody will read, without waiting for it: a stream's cancel may never settle, or may
 * fail (a locked or errored body, a custom `fetch`'s own stream); neither may hold up the caller or surface as an
 * unhandled rejection.
 */
export function discardBody(response: Response): void {
  try {
    response.body?.cancel().catch(() => undefined);
  } catch {
    // Nothing to release that the garbage collector will not.
  }
}
