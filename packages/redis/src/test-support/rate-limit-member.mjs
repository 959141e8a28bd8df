// One process of a fleet sharing a provider's rate limit: a Musimap client that gets its token, says 'ready', then
// keeps `concurrency` calls in flight from 'go' until the parent says stop. Its `rateLimit` is, by `config.limiter`:
// 'redis' a createRedisRateLimiter on the shared Redis, 'local' core's per-process limiter at the same rate, 'none'
// nothing. It loads the BUILT packages (dist): a child process cannot load the TypeScript sources. Started by
// start-rate-limit-fleet.ts (tests) and the bench's fleet rate limit scenario with fork(); talks to its parent over IPC.
import { Redis } from 'ioredis';

const config = JSON.parse(process.argv[2]);
const { createMusimapClient } = await import(config.musimapDist);
const { createRedisRateLimiter, failFastRedisOptions } = await import(config.redisDist);

const send = (message) => {
  if (process.connected) process.send(message);
};
const at = (level) => (record, message) => {
  if (level !== 'debug') send({ type: 'log', level, record, message });
};
const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };

let redis;
let rateLimit;
if (config.limiter === 'redis') {
  redis = new Redis(config.redisUrl, { ...failFastRedisOptions });
  redis.on('error', () => {}); // an outage is reported by the limiter's one warning
  rateLimit = createRedisRateLimiter({
    client: redis,
    key: { provider: 'musimap', baseUrl: config.emulatorUrl, clientId: config.clientId },
    requestsPerSecond: config.requestsPerSecond,
    ...(config.arrivalJitterMs !== undefined && { arrivalJitterMs: config.arrivalJitterMs }),
    logger,
  });
} else if (config.limiter === 'local') {
  rateLimit = { requestsPerSecond: config.requestsPerSecond };
}

const musimap = createMusimapClient({
  baseUrl: config.emulatorUrl,
  clientId: config.clientId,
  clientSecret: config.clientSecret,
  ...(rateLimit && { rateLimit }),
  ...(config.retry !== undefined && { retry: config.retry }),
  logger: config.logRequests ? logger : undefined,
});

let running = true;
let succeeded = 0;
let failed = 0;
const errors = [];
let go;
const started = new Promise((resolve) => {
  go = resolve;
});
process.on('message', (message) => {
  if (message === 'go') go();
  if (message === 'stop') running = false;
});
process.on('disconnect', () => {
  running = false;
  go();
});

const call = () =>
  musimap.api.get('lexicology/tags', { searchParams: { limit: 1 }, headers: { 'x-fleet-member': config.name } }).json();
const worker = async () => {
  while (running) {
    try {
      await call();
      succeeded += 1;
    } catch (error) {
      failed += 1;
      if (errors.length < 5) errors.push(`${error?.name}: ${error?.message}`);
      // A refused call (no slot within its wait) comes back at once: do not spin on it.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
};

// Ready once it holds a token (one call, retried until it succeeds); the calls counted start at 'go'.
for (let attempt = 0; ; attempt++) {
  try {
    await call();
    break;
  } catch (error) {
    if (attempt >= 50) throw error;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
send({ type: 'ready' });
await started;
await Promise.all(Array.from({ length: config.concurrency }, worker));
send({ type: 'summary', succeeded, failed, errors });
await rateLimit?.close?.();
redis?.disconnect();
if (process.connected) process.disconnect();
