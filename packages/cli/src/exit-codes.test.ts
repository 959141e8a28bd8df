// Exit code 3 means "the host could not be reached or did not answer in time": the second half, a timeout, checked
// here with fake timers (the default 30 s per attempt and 120 s per call pass in no time).
import { type EmulatorHandle, gomusTestTokens, startGomusEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../testing/src/test-support/run-with-fake-time.js';
import { exitCodes } from './exit-codes.js';
import { runCaptured } from './test-support/run-captured.js';

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
});

describe('auth-check exit codes', () => {
  it('exits 3 when the host accepts the connection but never answers (a timeout)', async () => {
    emulator = await startGomusEmulator();
    emulator.injectFault({ kind: 'hang', times: Infinity });

    const url = emulator.url;
    // A second of fake time per turn of the event loop: the attempts' 30 s timeouts pass in no time.
    const run = await runWithFakeTime(
      () => runCaptured(['gomus', '--base-url', url, '--json'], { env: { GOMUS_TOKEN: gomusTestTokens.user } }),
      { stepMs: 1_000, performance: true },
    );

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
