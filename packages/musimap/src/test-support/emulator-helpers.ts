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

/** Runs `call` back to back in `loops` concurrent loops until `durationMs` has passed; returns the number of calls. */
export async function callContinuously(call: () => Promise<unknown>, durationMs: number, loops: number) {
  const until = performance.now() + durationMs;
  let calls = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < until) {
        await call();
        calls += 1;
        // A breath between calls keeps the shared machine responsive; the load stays continuous.
        await sleep(5);
      }
    }),
  );
  return calls;
}
