// Where our clients' per-call overhead over bare ky goes: every variant calls an in-memory fetch (no network, no
// server, so neighbours on a shared machine disturb it far less), and the figure is this process's CPU time per call.
// Each row adds one thing to bare ky, or is one of our clients. Run: `node src/attribute-overhead.ts [rounds]`
// after `pnpm turbo run build`.
import { createAuthClient } from '@auth/core';
import { openTelemetry } from '@auth/core/opentelemetry';
import { retryableStatusCodes } from '@auth/core/provider';
import { createGomusClient } from '@auth/gomus';
import { createMusementClient } from '@auth/musement';
import { createMusimapClient } from '@auth/musimap';
import ky, { type KyInstance } from 'ky';
import { engineFloorName, engineFloorOptions } from './engine-floor.ts';
import { median } from './load.ts';

const now = Date.now();
// Framed as the emulators (and most servers) frame a JSON answer: with its Content-Length. Core then trusts HTTP's
// framing to bound the body; an answer without one is counted as it streams (the `chunked` row shows that cost).
const json = (body: unknown, status = 200, chunked = false) => {
  const text = JSON.stringify(body);
  const length: Record<string, string> = chunked ? {} : { 'content-length': String(Buffer.byteLength(text)) };
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...length } });
};
const page = { status: 200, timestamp: now, data: [{ id: 'a', name: 'happy' }], size: 1, offset: 0, total_size: 54 };
const inMemoryFetch: typeof fetch = async (input) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes('/oauth/')) {
    return json(
      { status: 201, timestamp: now, data: { token: 't', issued_at: now, expires_at: now + 7_200_000 } },
      201,
    );
  }
  if (url.includes('/login')) return json({ access_token: 't', expires_in: 3600, token_type: 'bearer', scope: null });
  return json(page, 200, url.includes('chunked'));
};

const origin = 'http://127.0.0.1:9';
const prefix = `${origin}/`;
const headers = { authorization: 'Bearer t' };
const token = { accessToken: 't' };
const tokens = { getToken: async () => token, invalidate: async () => undefined };
const kyRetry = { limit: 3, afterStatusCodes: [429, 503], jitter: true };

export const variants: Record<string, { api: KyInstance; path: string }> = {
  'ky (fixed header)': { api: ky.create({ prefix, headers, fetch: inMemoryFetch }), path: 'tags' },
  'ky + 1 no-op afterResponse hook': {
    api: ky.create({ prefix, headers, fetch: inMemoryFetch, hooks: { afterResponse: [() => undefined] } }),
    path: 'tags',
  },
  'ky + retry.statusCodes of ky (7)': {
    api: ky.create({ prefix, headers, fetch: inMemoryFetch, retry: kyRetry }),
    path: 'tags',
  },
  'ky + retry.statusCodes of core (98)': {
    api: ky.create({
      prefix,
      headers,
      fetch: inMemoryFetch,
      retry: { ...kyRetry, statusCodes: [...retryableStatusCodes] },
    }),
    path: 'tags',
  },
  'ky + timeout 30 s + totalTimeout 120 s': {
    api: ky.create({ prefix, headers, fetch: inMemoryFetch, timeout: 30_000, totalTimeout: 120_000 }),
    path: 'tags',
  },
  'ky + 1 no-op async beforeRequest hook': {
    api: ky.create({ prefix, headers, fetch: inMemoryFetch, hooks: { beforeRequest: [async () => undefined] } }),
    path: 'tags',
  },
  'ky + the same hook + totalTimeout 120 s': {
    api: ky.create({
      prefix,
      headers,
      fetch: inMemoryFetch,
      totalTimeout: 120_000,
      hooks: { beforeRequest: [async () => undefined] },
    }),
    path: 'tags',
  },
  [engineFloorName]: { api: ky.create({ prefix, headers, fetch: inMemoryFetch, ...engineFloorOptions }), path: 'tags' },
  'createAuthClient (static token)': {
    api: createAuthClient({ prefix: origin, tokens, fetch: inMemoryFetch }),
    path: 'tags',
  },
  'createAuthClient + 1 no-op async beforeRequest hook': {
    api: createAuthClient({
      prefix: origin,
      tokens,
      fetch: inMemoryFetch,
      hooks: { beforeRequest: [async () => undefined] },
    }),
    path: 'tags',
  },
  'createMusimapClient + openTelemetry() without SDK': {
    api: createMusimapClient({
      baseUrl: origin,
      clientId: 'a',
      clientSecret: 'b',
      fetch: inMemoryFetch,
      telemetry: openTelemetry(),
    }).api,
    path: 'lexicology/tags',
  },
  createMusimapClient: {
    api: createMusimapClient({ baseUrl: origin, clientId: 'a', clientSecret: 'b', fetch: inMemoryFetch }).api,
    path: 'tags',
  },
  'createMusimapClient, answers without Content-Length': {
    api: createMusimapClient({ baseUrl: origin, clientId: 'a', clientSecret: 'b', fetch: inMemoryFetch }).api,
    path: 'chunked/tags',
  },
  createMusementClient: {
    api: createMusementClient({
      baseUrl: origin,
      clientId: 'a',
      clientSecret: 'b',
      application: 'c',
      fetch: inMemoryFetch,
    }).api,
    path: 'cities',
  },
  createGomusClient: {
    api: createGomusClient({ baseUrl: origin, token: 't', fetch: inMemoryFetch }).api,
    path: 'tickets',
  },
};

const batch = 64;
async function run(api: KyInstance, path: string, calls: number): Promise<void> {
  for (let done = 0; done < calls; done += batch) {
    await Promise.all(Array.from({ length: batch }, () => api.get(path).json()));
  }
}

/** CPU µs per call of each variant: median over `rounds` interleaved rounds of `calls` calls (64 at a time). */
export async function attributeOverhead(rounds = 9, calls = 6_400): Promise<Map<string, number>> {
  const entries = Object.entries(variants);
  for (let warm = 0; warm < 2; warm++) for (const [, { api, path }] of entries) await run(api, path, calls / 2);
  const samples = new Map<string, number[]>(entries.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // A different starting point and direction each round, so that no variant always follows the same one.
    const shift = round % entries.length;
    const order = [...entries.slice(shift), ...entries.slice(0, shift)];
    for (const [name, { api, path }] of round % 2 === 0 ? order : order.reverse()) {
      const before = process.cpuUsage();
      await run(api, path, calls);
      const used = process.cpuUsage(before);
      samples.get(name)!.push((used.user + used.system) / calls);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

if (import.meta.main) {
  const results = await attributeOverhead(Number(process.argv[2] ?? 9));
  const base = results.get('ky (fixed header)')!;
  const floor = results.get(engineFloorName)!;
  console.log('client CPU per call, in-memory fetch (no network), median of interleaved rounds');
  for (const [name, value] of results) {
    const delta = value - base;
    console.log(
      `${name.padEnd(52)} ${value.toFixed(1).padStart(6)} µs  ${delta >= 0 ? '+' : '-'}${Math.abs(delta).toFixed(1).padStart(5)} µs  ${(value / base).toFixed(2)}× ky  ${(value / floor).toFixed(2)}× floor`,
    );
  }
}
