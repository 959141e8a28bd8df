// One process of a test fleet: a Musement client (password grant, rotating refresh tokens) whose token store is a
// RedisTokenStore, calling the emulator until the parent says stop. It loads the BUILT packages (dist): a child
// process cannot load the TypeScript sources. Started by start-fleet.ts with fork(); talks to it over IPC.
import { Redis } from 'ioredis';

const config = JSON.parse(process.argv[2]);
const { failFastRedisOptions, RedisTokenStore } = await import(config.redisDist);
const { createMusementClient } = await import(config.musementDist);

const send = (message) => {
  if (process.connected) process.send(message);
};

const client = new Redis(config.redisUrl, { ...failFastRedisOptions });
client.on('error', () => {}); // outages surface as rejected store operations, reported by the token manager

const store = new RedisTokenStore({ client });

const at = (level) => (record, message) => send({ type: 'log', level, record, message });
const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };

const musement = createMusementClient({
  baseUrl: config.emulatorUrl,
  clientId: config.credentials.clientId,
  clientSecret: config.credentials.clientSecret,
  application: config.credentials.application,
  username: config.credentials.username,
  password: config.credentials.password,
  store,
  logger,
  ...(config.leaseTtlMs && { leaseTtlMs: config.leaseTtlMs }),
});

let running = true;
let succeeded = 0;
const failures = [];
process.on('message', (message) => {
  if (message === 'stop') running = false;
});

send({ type: 'started', pid: process.pid });
while (running) {
  try {
    await musement.api.get('cities', { searchParams: { limit: 1 }, headers: { 'x-fleet-member': config.name } }).json();
    succeeded += 1;
    if (succeeded === 1) send({ type: 'ready' });
  } catch (error) {
    failures.push(`${error?.name}: ${error?.message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, config.callIntervalMs));
}
// A renewal the last call started in the background may still be running: let it finish while Redis is connected.
await musement.close();
process.send({ type: 'summary', succeeded, failures }, () => process.exit(0));
