// One process of the fleet scenario: a Musement client (password grant, rotating refresh tokens) calling the emulator
// until the parent says stop. Its token store is a RedisTokenStore (the built @auth/redis) when a Redis URL is given,
// else the default per-process memory store. Started by scenarios/fleet.ts with fork(); talks to it over IPC.
import type { TokenStore } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import { musementTestCredentials } from '@auth/testing';

export interface FleetMemberConfig {
  emulatorUrl: string;
  /** Absent: every process keeps its own token (the default memory store). */
  redisUrl?: string;
  /** file URL of @auth/redis's built entry. */
  redisEntry?: string;
  /** Calls each process keeps in flight. */
  concurrency: number;
  /** Pause between two calls of one worker, ms. */
  callIntervalMs: number;
}

export interface FleetMemberMessage {
  type: 'ready' | 'summary';
  succeeded?: number;
  failed?: number;
  errors?: string[];
  /** When this process sent each of its token requests, epoch ms. */
  tokenRequestTimes?: number[];
}

interface ClosableStore extends TokenStore {
  close(): Promise<void>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as FleetMemberConfig;
let store: ClosableStore | undefined;
if (config.redisUrl && config.redisEntry) {
  const redis = (await import(config.redisEntry)) as {
    RedisTokenStore: new (options: { url: string }) => ClosableStore;
  };
  store = new redis.RedisTokenStore({ url: config.redisUrl });
}
const tokenRequestTimes: number[] = [];
const countingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes('/api/v3/login')) tokenRequestTimes.push(Date.now());
  return fetch(input, init);
};
const musement = createMusementClient({
  baseUrl: config.emulatorUrl,
  clientId: musementTestCredentials.clientId,
  clientSecret: musementTestCredentials.clientSecret,
  application: musementTestCredentials.application,
  username: musementTestCredentials.username,
  password: musementTestCredentials.password,
  ...(store ? { store } : {}),
  fetch: countingFetch,
});

const send = (message: FleetMemberMessage) => {
  if (process.connected) process.send?.(message);
};
let running = true;
let succeeded = 0;
let failed = 0;
const errors: string[] = [];
process.on('message', (message) => {
  if (message === 'stop') running = false;
});
process.on('disconnect', () => {
  running = false;
});

const worker = async () => {
  while (running) {
    try {
      await musement.api.get('cities', { searchParams: { limit: 1 } }).json();
      succeeded += 1;
      if (succeeded === 1) send({ type: 'ready' });
    } catch (error) {
      failed += 1;
      if (errors.length < 3) errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
    await new Promise((resolve) => setTimeout(resolve, config.callIntervalMs));
  }
};
await Promise.all(Array.from({ length: config.concurrency }, worker));
send({ type: 'summary', succeeded, failed, errors, tokenRequestTimes });
await store?.close();
if (process.connected) process.disconnect();
