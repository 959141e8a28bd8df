// One of the separate Node processes of the demo's "one token via Redis" scenario, forked by
// run-shared-token-processes.ts and driven over IPC: it receives the configuration (the client secret never appears
// in its arguments or environment), connects a RedisTokenStore, says it is ready, makes one authenticated call when
// told to go, reports, closes its connections and exits by itself. It imports packages only, so that Node runs it
// from the sources too (type stripping) and tsup builds it as an entry of its own.
import { createHash } from 'node:crypto';
import { createMusementClient } from '@auth/musement';
import { failFastRedisOptions, RedisTokenStore } from '@auth/redis';
import { Redis } from 'ioredis';

interface ProcessConfig {
  type: 'config';
  redisUrl: string;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  application: string;
  /** Exits with code 1 if still running after this long, in case the parent could not stop it. */
  timeoutMs: number;
}

const send = (message: Record<string, unknown>) =>
  new Promise<void>((resolve) => {
    if (!process.connected) return resolve();
    process.send?.(message, () => resolve());
  });

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// The parent going away (or the IPC channel closing) ends this process.
process.once('disconnect', () => process.exit());

process.once('message', async (config: ProcessConfig) => {
  setTimeout(() => process.exit(1), config.timeoutMs).unref();
  const redis = new Redis(config.redisUrl, { ...failFastRedisOptions });
  redis.on('error', () => {}); // a failure shows as the call's error; ioredis would print every reconnection
  const store = new RedisTokenStore({ client: redis });
  const client = createMusementClient({
    baseUrl: config.baseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    application: config.application,
    store,
  });
  try {
    await new Promise((resolve, reject) => {
      redis.once('ready', resolve);
      redis.once('error', reject);
    });
    const go = new Promise((resolve) => process.once('message', resolve));
    await send({ type: 'ready' });
    await go;
    const cities = await client.api.get('cities', { searchParams: { limit: 1 } }).json<unknown[]>();
    const token = await client.getToken();
    const fingerprint = createHash('sha256')
      .update(token?.accessToken ?? '')
      .digest('hex')
      .slice(0, 16);
    await send({ type: 'result', ok: true, items: Array.isArray(cities) ? cities.length : 0, fingerprint });
  } catch (error) {
    await send({ type: 'result', ok: false, error: describe(error) });
  } finally {
    await client.close();
    await redis.quit().catch(() => redis.disconnect());
    process.removeAllListeners('disconnect');
    process.disconnect();
  }
});
