// One process of a test fleet serving a Musement customer: it never sees the password, only the session another
// process stored in Redis. Each call makes a new `customer(username)` handle, as a web backend does per request. It
// loads the BUILT packages (dist); started by customer-sessions.test.ts with fork(), and talks to it over IPC.
import { Redis } from 'ioredis';

const config = JSON.parse(process.argv[2]);
const { failFastRedisOptions, RedisTokenStore } = await import(config.redisDist);
const { createMusementClient } = await import(config.musementDist);

const send = (message) => {
  if (process.connected) process.send(message);
};
const client = new Redis(config.redisUrl, { ...failFastRedisOptions });
client.on('error', () => {});
const at = (level) => (record, message) => send({ type: 'log', level, record, message });
const musement = createMusementClient({
  baseUrl: config.emulatorUrl,
  clientId: config.credentials.clientId,
  clientSecret: config.credentials.clientSecret,
  application: config.credentials.application,
  store: new RedisTokenStore({ client }),
  logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
});

let running = true;
let succeeded = 0;
const failures = [];
process.on('message', (message) => {
  if (message === 'stop') running = false;
});
const loop = async () => {
  while (running) {
    try {
      const me = await musement
        .customer(config.username)
        .api.get('me', { headers: { 'x-fleet-member': config.name } })
        .json();
      if (me.email !== config.username) throw new Error(`acted as ${me.email}`);
      succeeded += 1;
      if (succeeded === 1) send({ type: 'ready' });
    } catch (error) {
      failures.push(`${error?.name}: ${error?.message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, config.callIntervalMs));
  }
};
await Promise.all(Array.from({ length: config.concurrency }, loop));
client.disconnect();
process.send({ type: 'summary', succeeded, failures }, () => process.exit(0));
