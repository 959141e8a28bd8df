import { type EmulatorHandle, musimapTestCredentials, type RecordedRequest, startMusimapEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMusimapClient } from './create-musimap-client.js';
import {
  apiRequestsOf,
  bearerOf,
  callUntil,
  tokenPath,
  tokenRequestsOf,
  tokensInOrder,
} from './test-support/emulator-helpers.js';

const { clientId, clientSecret } = musimapTestCredentials;
const emulators: EmulatorHandle[] = [];

async function start(tokenLifetimeSeconds: number) {
  const emulator = await startMusimapEmulator({ tokenLifetimeSeconds, maxRecordedRequests: 200_000 });
  emulators.push(emulator);
  return emulator;
}

/** Milliseconds between consecutive recorded requests. */
function gapsBetween(requests: RecordedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.receivedAt - requests[index]!.receivedAt);
}

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

describe('token renewal under load', () => {
  it('renews a 3 s token ahead of expiry, about once per half-lifetime, without a 401 or a blocked caller', async () => {
    const emulator = await start(3);
    // Slow token responses: if callers waited for a renewal, no API request could arrive while one is in flight.
    const tokenLatencyMs = 250;
    emulator.injectFault({ match: { path: tokenPath }, kind: 'latency', delayMs: tokenLatencyMs, times: Infinity });
    const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret });
    await client.getToken();

    // Judged by events, not by how many calls fit in a time: call until the API has seen the third renewed token.
    const renewalsWanted = 3;
    const calls = await callUntil(
      () => client.getData('lexicology/tags', { searchParams: { limit: 1 } }),
      () => tokensInOrder(emulator).length > renewalsWanted,
      4,
    );

    // No token was used past its 3 s lifetime (the emulator would have answered 401), and every call got through.
    expect(emulator.counters.unauthorized).toBe(0);
    expect(emulator.counters.apiRequests).toBe(calls);
    // Renewed ahead, but only once its first half is used up (1.5 s + up to 10% jitter + the slow response): never
    // on every call.
    const tokenRequests = tokenRequestsOf(emulator);
    const renewals = tokenRequests.length - 1;
    expect(renewals).toBeGreaterThanOrEqual(renewalsWanted);
    expect(Math.min(...gapsBetween(tokenRequests))).toBeGreaterThanOrEqual(1_500);

    // While each renewal was in flight, callers kept being served with the previous token.
    const tokens = tokensInOrder(emulator);
    expect(tokens.length).toBeGreaterThanOrEqual(renewals);
    const api = apiRequestsOf(emulator);
    for (let index = 1; index < tokens.length; index++) {
      const renewalStartedAt = tokenRequests[index]!.receivedAt;
      const firstUseOfNew = api.find((request) => bearerOf(request) === tokens[index])!.receivedAt;
      const servedMeanwhile = api.filter(
        (request) =>
          bearerOf(request) === tokens[index - 1] &&
          request.receivedAt >= renewalStartedAt &&
          request.receivedAt <= firstUseOfNew,
      );
      expect(servedMeanwhile.length, `calls served during renewal ${index}`).toBeGreaterThan(0);
      expect(firstUseOfNew - renewalStartedAt).toBeGreaterThanOrEqual(tokenLatencyMs - 5);
    }
  }, 30_000);

  it.each([
    ['ahead', 3_600_000],
    ['behind', -3_600_000],
  ])(
    'with the server clock 1 h %s, uses tokens for their real lifetime',
    async (_, offsetMs) => {
      const lifetimeSeconds = 2;
      const emulator = await start(lifetimeSeconds);
      emulator.setClockOffsetMs(offsetMs);
      const client = createMusimapClient({ baseUrl: emulator.url, clientId, clientSecret });

      const before = Date.now();
      const token = await client.getToken();
      // Read on our clock, the server's times would make it expired (behind) or valid for an hour (ahead).
      expect(token.expiresAt! - token.issuedAt!).toBe(lifetimeSeconds * 1000);
      expect(token.issuedAt).toBeGreaterThanOrEqual(before);

      await callUntil(
        () => client.getData('lexicology/tags', { searchParams: { limit: 1 } }),
        () => emulator.counters.tokenRequests >= 3,
        2,
      );

      // No token used past its real lifetime (the emulator would have answered 401), and renewed: three tokens.
      expect(emulator.counters.unauthorized).toBe(0);
      expect(emulator.counters.tokenRequests).toBeGreaterThanOrEqual(3);
      // Each token served at least half its lifetime: renewal was neither on every call nor on a skewed schedule.
      expect(Math.min(...gapsBetween(tokenRequestsOf(emulator)))).toBeGreaterThanOrEqual(lifetimeSeconds * 500);
    },
    30_000,
  );
});
