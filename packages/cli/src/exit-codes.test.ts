// Exit code 3 means "the host could not be reached or did not answer in time": the second half, a timeout, checked
// here with fake timers (the default 30 s per attempt and 120 s per call pass in no time).
import { type EmulatorHandle, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodes } from './exit-codes.js';
import { type CapturedRun, runCaptured } from './test-support/run-captured.js';

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await emulator?.close();
});

/** Runs the command while moving fake time on, a second at a time, letting real I/O through in between. */
async function runWithFakeTime(argv: readonly string[], env: Record<string, string>): Promise<CapturedRun> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  let result: CapturedRun | undefined;
  const running = runCaptured(argv, { env }).then((run) => {
    result = run;
  });
  while (result === undefined) {
    await vi.advanceTimersByTimeAsync(1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await running;
  return result;
}

describe('auth-check exit codes', () => {
  it('exits 3 when the host accepts the connection but never answers (a timeout)', async () => {
    emulator = await startGomusEmulator();
    emulator.injectFault({ kind: 'hang', times: Infinity });

    const run = await runWithFakeTime(['gomus', '--base-url', emulator.url, '--json'], {
      GOMUS_TOKEN: gomusTestTokens.user,
    });

    expect(run.exitCode).toBe(exitCodes.unreachable);
    expect(run.json()).toMatchObject({
      ok: false,
      exitCode: 3,
      error: { name: 'NetworkError', code: 'NETWORK' },
    });
    expect(run.json().error?.message).toMatch(/whoami timed out/);
    // It was the host's silence: the request did arrive, and was retried.
    expect(emulator.requests.length).toBeGreaterThanOrEqual(2);
  });
});
