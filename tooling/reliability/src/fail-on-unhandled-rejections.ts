import { afterAll, beforeAll, expect } from 'vitest';

/**
 * Collects every unhandled rejection while the file's tests run and fails the file if there was any: a client must
 * settle every promise it creates, including those of background renewals and abandoned attempts.
 */
export function failOnUnhandledRejections(what: string): void {
  const rejections: unknown[] = [];
  const listener = (reason: unknown) => rejections.push(reason);
  beforeAll(() => {
    process.on('unhandledRejection', listener);
  });
  afterAll(() => {
    process.off('unhandledRejection', listener);
    expect(rejections.map(String), `unhandled rejections during ${what}`).toEqual([]);
  });
}
