import type { EmulatorHandle, RecordedRequest } from '@auth/testing';

export const tokenPath = '/oauth/access_tokens/client';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The bearer token a recorded request carried. */
export function bearerOf(request: RecordedRequest): string | undefined {
  return request.headers.authorization?.replace(/^Bearer /, '');
}

export function tokenRequestsOf(emulator: EmulatorHandle): RecordedRequest[] {
  return emulator.requests.filter((request) => request.path === tokenPath);
}

export function apiRequestsOf(emulator: EmulatorHandle): RecordedRequest[] {
  return emulator.requests.filter((request) => request.path !== tokenPath);
}

/** Distinct bearer tokens in the order the API first saw them. */
export function tokensInOrder(emulator: EmulatorHandle): string[] {
  const seen = new Set<string>();
  for (const request of apiRequestsOf(emulator)) {
    const token = bearerOf(request);
    if (token !== undefined) seen.add(token);
  }
  return [...seen];
}

/**
 * Runs `call` back to back in `loops` concurrent loops until `done()` says enough happened (e.g. a number of
 * renewals seen by the emulator); returns the number of calls. `maxMs` only ends a run whose event never comes, for a
 * clear failure instead of a test timeout: nothing is judged by how many calls fit in a time.
 */
export async function callUntil(
  call: () => Promise<unknown>,
  done: () => boolean,
  loops: number,
  maxMs = 20_000,
): Promise<number> {
  const giveUpAt = performance.now() + maxMs;
  let calls = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (!done() && performance.now() < giveUpAt) {
        await call();
        calls += 1;
        await sleep(5);
      }
    }),
  );
  return calls;
}
