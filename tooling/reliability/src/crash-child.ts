// A process that logs in to Musement or rotates its refresh token, with the BUILT packages (plain node, no vitest),
// sharing a FileTokenStore with its successors. The crash-safety test kills it with SIGKILL at chosen points.
//
// Settings come from the environment (CRASH_CHILD_*). Output: one line per event on stdout, e.g. `before-write`,
// then a JSON result line. Tokens are never printed, only their SHA-256 fingerprints.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type * as Core from '@auth/core';
import type * as Musement from '@auth/musement';

const setting = (name: string): string => {
  const value = process.env[`CRASH_CHILD_${name}`];
  if (value === undefined) throw new Error(`crash child: CRASH_CHILD_${name} is not set`);
  return value;
};

/** Where to stop and wait for the SIGKILL: `none`, `before-write`, `after-write`. */
const pauseAt = setting('PAUSE_AT');
/** How far ahead of the real clock the client's clock runs: a stored token then looks expired and is renewed. */
const clockOffsetMs = Number(setting('CLOCK_OFFSET_MS'));
/** Renew again and again (each time one hour further ahead), until killed. */
const loop = setting('LOOP') === '1';
const packagesDirectory = setting('PACKAGES_DIRECTORY');

const { FileTokenStore } = (await import(
  pathToFileURL(`${packagesDirectory}/core/dist/file-token-store.js`).href
)) as typeof import('@auth/core/file-token-store');
const musement = (await import(pathToFileURL(`${packagesDirectory}/musement/dist/index.js`).href)) as typeof Musement;

const fingerprint = (value: string | undefined) =>
  value === undefined ? null : createHash('sha256').update(value).digest('hex').slice(0, 16);
const say = (line: string) => process.stdout.write(`${line}\n`);
const waitForKill = () => new Promise<never>(() => setInterval(() => {}, 60_000));

const fileStore = new FileTokenStore(setting('STORE_PATH'));
const store: Core.TokenStore = {
  get: (key) => fileStore.get(key),
  delete: (key) => fileStore.delete(key),
  async set(key, value) {
    if (pauseAt === 'before-write') {
      say('before-write');
      await waitForKill();
    }
    await fileStore.set(key, value);
    say(`written ${fingerprint(value.refreshToken)}`);
    if (pauseAt === 'after-write') {
      say('after-write');
      await waitForKill();
    }
  },
};
// The lease is the FileTokenStore's own: a successor must cope with one left behind by a killed process.
Object.assign(store, { acquireLease: fileStore.acquireLease.bind(fileStore) });

let offsetMs = clockOffsetMs;
const client = musement.createMusementClient({
  baseUrl: setting('BASE_URL'),
  clientId: setting('CLIENT_ID'),
  clientSecret: setting('CLIENT_SECRET'),
  application: setting('APPLICATION'),
  username: setting('USERNAME'),
  password: setting('PASSWORD'),
  store,
  clock: { now: () => Date.now() + offsetMs },
  retry: { initialDelayMs: 1 },
  timeoutMs: 30_000,
});

say('ready');
const started = performance.now();
let token = await client.getToken();
while (loop) {
  offsetMs += 3_600_000;
  token = await client.getToken();
}
const response = await client.api.get('me');
say(
  JSON.stringify({
    result: 'ok',
    status: response.status,
    refreshToken: fingerprint(token.refreshToken),
    durationMs: Math.round(performance.now() - started),
  }),
);
