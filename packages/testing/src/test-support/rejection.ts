// The one "await the rejection" helper for the repository's tests outside core (core's tests may not import
// @auth/testing). Not part of @auth/testing's published entry point.

/** The error `promise` rejects with; fails the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
