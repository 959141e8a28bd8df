import { expect } from 'vitest';

/**
 * A `failure(promise)` that resolves to the Error the promise rejects with (failing the test when it resolves or
 * rejects with a non-Error) and adds it to `errors`, for the file's secret scan.
 */
export function failureCollector(errors: unknown[]): (promise: Promise<unknown>) => Promise<Error> {
  return async (promise) => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    errors.push(error);
    return error as Error;
  };
}
