// A process that uses a RedisTokenStore created from a url while nothing listens there, then closes it: it must exit
// by itself. Run by redis-token-store.test.ts as `node --import
// <@auth/testing's test-support/resolve-typescript-sources.ts> <this file> <url>`.
import { RedisTokenStore } from '../redis-token-store.js';

const store = new RedisTokenStore({ url: process.argv[2] });
const failure = await store.get('k').then(
  () => 'resolved',
  (error: Error) => error.name,
);
console.log(`get: ${failure}`);
const started = performance.now();
await store.close();
console.log(`close resolved in ${Math.round(performance.now() - started)} ms`);
