// A fleet sharing one refresh token through Redis must not replay it when Redis goes down: each process then renews
// for itself with a fresh login, and refreshes only a token it obtained alone.
import { createMusementClient } from '@auth/musement';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisTokenStore } from './redis-token-store.js';
import { redisTestsCanRun } from './test-support/start-redis-server.js';
import { useRedisServer } from './test-support/use-redis-server.js';

const canRun = redisTestsCanRun('@auth/redis outage rotation');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canRun)('a store outage with a shared refresh token', () => {
  const redis = useRedisServer();
  let emulator: MusementEmulatorHandle;

  afterEach(async () => {
    await emulator?.close();
  });

  const connect = () => {
    const { clientId, clientSecret, application, username, password } = musementTestCredentials;
    return createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      username,
      password,
      store: new RedisTokenStore({ client: redis.connect() }),
    });
  };

  // While the store is down, every process renews on its own, but they all hold the SAME refresh token (the shared
  // one): were they to refresh it, the first would rotate it and the others replay a rotated refresh token (a provider
  // with reuse detection would revoke the whole token family, the winner's new token included).
  it('two processes sharing a token renew during a store outage without replaying a rotated refresh token', async () => {
    emulator = await startMusementEmulator({ tokenLifetimeSeconds: 2 });
    const first = connect();
    const second = connect();
    await first.getToken();
    await second.getToken(); // adopts the first one's token from Redis
    expect(emulator.counters.tokenRequests).toBe(1);

    await redis.server.stop();
    await sleep(2_100); // the shared token expires: both must renew, each for itself
    await Promise.all([first.api.get('cities').json(), second.api.get('cities').json()]);

    expect(emulator.counters.refreshTokenReuse).toBe(0);
  });
});
