import { RateLimitError } from '@auth/core';
import {
  captureLogger,
  type MusementEmulatorHandle,
  musementTestCredentials,
  startMusementEmulator,
} from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import { rejection } from './test-support/rejection.js';

const { clientId, clientSecret, application } = musementTestCredentials;
const emulators: MusementEmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

describe('one assembly: the token client and the API client are one client', () => {
  it('logins count against the same rateLimit as API calls', async () => {
    const emulator = await startMusementEmulator();
    emulators.push(emulator);
    // One request per 100 s: the login takes the only slot, so the API call cannot be sent within timeoutMs.
    const musement = createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      rateLimit: { requestsPerSecond: 0.01, burst: 1 },
      timeoutMs: 1_000,
      retry: 0,
    });
    const error = await rejection(musement.api.get('cities').json());
    expect(RateLimitError.isInstance(error) && error.source).toBe('client');
    expect(emulator.requests.map((request) => request.path)).toEqual(['/api/v3/login']);
  });

  it('token records carry the provider, like every other record', async () => {
    const emulator = await startMusementEmulator();
    emulators.push(emulator);
    const logger = captureLogger();
    const musement = createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, logger });
    await musement.api.get('cities').json();
    const tokenEvents = logger.records.filter((entry) => String(entry.record.event ?? '').startsWith('token.'));
    expect(tokenEvents.length).toBeGreaterThan(0);
    for (const entry of tokenEvents) expect(entry.record.provider).toBe('musement');
  });

  it('names the package, its version and the runtime in the User-Agent of every request, after the application', async () => {
    const emulator = await startMusementEmulator();
    emulators.push(emulator);
    const musement = createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      userAgent: 'my-shop/2.1',
    });
    await musement.api.get('cities').json();
    const agents = emulator.requests.map((request) => request.headers['user-agent']);
    expect(agents).toHaveLength(2); // the login and the call
    for (const agent of agents) expect(agent).toMatch(/^my-shop\/2\.1 @auth\/musement\/[\w.-]+ node\/\d+\.\d+\.\d+$/);
    expect(() =>
      createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, userAgent: 'bad\r\nX: 1' }),
    ).toThrow(/userAgent/);
  });
});
