// What the Musement README promises about renewals, checked where it would break: `close()` stops background
// renewals, and a `refreshPolicy` passed to the client changes when a renewal happens.
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import type { MusementClientOptions } from './musement-client-options.js';

const { clientId, clientSecret, application, username, password } = musementTestCredentials;
const emulators: MusementEmulatorHandle[] = [];

beforeEach(() => {
  for (const name of ['MUSEMENT_CLIENT_ID', 'MUSEMENT_CLIENT_SECRET', 'MUSEMENT_APPLICATION']) vi.stubEnv(name, '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

/** A Musement emulator issuing 1 h tokens, and a customer client on a clock the test moves. */
async function setUp(options: MusementClientOptions = {}) {
  const emulator = await startMusementEmulator({ tokenLifetimeSeconds: 3600 });
  emulators.push(emulator);
  let offsetMs = 0;
  const musement = createMusementClient({
    baseUrl: emulator.url,
    clientId,
    clientSecret,
    application,
    username,
    password,
    clock: { now: () => Date.now() + offsetMs },
    ...options,
  });
  const refreshes = () => emulator.counters.tokenRequestsByGrant.refresh_token ?? 0;
  return { emulator, musement, refreshes, moveTo: (ms: number) => (offsetMs = ms) };
}

const minuteMs = 60_000;

describe('close()', () => {
  it('stops background renewals: a token inside its refresh window keeps serving, renewed only once expired', async () => {
    const { musement, refreshes, moveTo } = await setUp();
    const first = await musement.getToken();

    await musement.close();
    moveTo(59 * minuteMs); // inside the 5-minute refresh window of a 1 h token
    expect((await musement.getToken()).accessToken).toBe(first.accessToken);
    await musement.close(); // waits for a renewal in flight, had getToken() started one
    expect(refreshes()).toBe(0);

    moveTo(61 * minuteMs); // expired: no usable token, so the call waits for a renewal even after close()
    expect((await musement.getToken()).accessToken).not.toBe(first.accessToken);
    expect(refreshes()).toBe(1);
  });
});

describe('refreshPolicy', () => {
  it('passed to the client, moves the renewal: half the lifetime ahead instead of 5 minutes', async () => {
    const halfLife = { ratio: 0.5, minWindowMs: 0, maxWindowMs: 3_600_000, jitterRatio: 0 };
    const early = await setUp({ refreshPolicy: halfLife });
    const usual = await setUp();
    const earlyFirst = await early.musement.getToken();
    await usual.musement.getToken();

    early.moveTo(31 * minuteMs);
    usual.moveTo(31 * minuteMs);
    expect((await early.musement.getToken()).accessToken).toBe(earlyFirst.accessToken);
    await usual.musement.getToken();

    await vi.waitFor(() => expect(early.refreshes()).toBe(1));
    await usual.musement.close(); // waits for a renewal in flight: there is none at 31 min with the default policy
    expect(usual.refreshes()).toBe(0);
    await early.musement.close();
  });
});
