import { setFlagsFromString } from 'node:v8';
import { MemoryTokenStore } from '@auth/core';
import { createTokenKey } from '@auth/core/provider';
import { createMusementClient, type MusementClient } from '@auth/musement';
import { musementTestCredentials } from '@auth/testing';
import { collectGarbage } from '../collect-garbage.ts';
import { startEmulatorProcess } from '../emulator-process.ts';
import { describe, runClosedLoop } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface ManyCustomersSettings {
  /** Customer sessions logged in, each with its own password login. */
  customers: number;
  /** Lifetime of every token the emulator issues. */
  tokenLifetimeMs: number;
  /** Calls to the customers' sessions (and then to one shared client) for this long. */
  durationMs: number;
  /** Calls kept in flight, logins included. */
  concurrency: number;
}

export const manyCustomersDefaults: ManyCustomersSettings = {
  customers: 10_000,
  tokenLifetimeMs: 2_000,
  durationMs: 10_000,
  concurrency: 64,
};

/** An idle session costs the process nothing beyond the store's record: at most this, the heap's measurement noise. */
export const idleBeyondRecordTarget = 100;

const { clientId, clientSecret, application } = musementTestCredentials;
/** The emulator's generated customers (its `generatedUsers` option). */
const customerAt = (index: number) => ({
  username: `customer-${index + 1}@example.com`,
  password: `customer-${index + 1}-password`,
});

/** What the client sent to the login endpoint, seen by a pass-through fetch. */
interface LoginWatch {
  fetch: typeof fetch;
  /** How many times each refresh token was presented. */
  presented: Map<string, number>;
}

function watchLogins(): LoginWatch {
  const presented = new Map<string, number>();
  return {
    presented,
    fetch: async (input, init) => {
      if (input instanceof Request && input.method === 'POST' && input.url.endsWith('/api/v3/login')) {
        const body = JSON.parse(await input.clone().text()) as { grant_type?: string; refresh_token?: string };
        if (body.grant_type === 'refresh_token' && body.refresh_token) {
          presented.set(body.refresh_token, (presented.get(body.refresh_token) ?? 0) + 1);
        }
      }
      return fetch(input, init);
    },
  };
}

/** Heap in use after full collections, bytes (with a turn of the event loop between, for what weak callbacks free). */
async function heapUsed(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  return process.memoryUsage().heapUsed;
}

/** Runs `work` for every index below `count`, `concurrency` at a time. */
async function forEachIndex(count: number, concurrency: number, work: (index: number) => Promise<unknown>) {
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await work(index).catch((error: unknown) => {
        failed += 1;
        if (errors.length < 3) errors.push(describe(error));
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failed, errors };
}

/**
 * Scenario 7: one Musement client serving `customers` customer sessions against the emulator (its own process).
 * Every customer logs in once (`loginCustomer`, `concurrency` at a time) and the handle is dropped: the session lives
 * in the store (a MemoryTokenStore here). Then, with `tokenLifetimeMs` tokens, `concurrency` calls at a time for
 * `durationMs`, each through a new `customer(username)` handle, as a web backend makes one per request, customer after
 * customer. Figures: logins; refresh requests per expired token of a customer (worst); refresh tokens sent twice;
 * heap per idle session (and how much of it is the store's record) and per live handle; throughput, and the same calls
 * through one shared client of one customer.
 */
export async function runManyCustomers(
  settings: ManyCustomersSettings = manyCustomersDefaults,
): Promise<ScenarioResult> {
  const started = performance.now();
  // Heap figures: V8 otherwise drops the bytecode of functions unused for a while at a collection, moving the heap by
  // megabytes between two measurements for reasons that have nothing to do with sessions.
  setFlagsFromString('--no-flush-bytecode');
  const { customers, concurrency } = settings;
  const scenario = `7 many customers (${customers} sessions, ${settings.tokenLifetimeMs / 1000} s tokens, ${settings.durationMs / 1000} s, c=${concurrency})`;
  const emulator = await startEmulatorProcess('musement', {
    recordRequests: false,
    tokenLifetimeSeconds: settings.tokenLifetimeMs / 1000,
    // One more customer, for the warm-up.
    generatedUsers: customers + 1,
  });
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const contender = 'createMusementClient: loginCustomer, customer()';
  try {
    const store = new MemoryTokenStore();
    const watch = watchLogins();
    const musement = createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      store,
      fetch: watch.fetch,
    });
    // Warm: the connections and every code path a session takes, with a customer who then logs out (nothing stored).
    const warmUp = await musement.loginCustomer(customerAt(customers));
    await warmUp.api.get('me').json();
    await musement.customer(customerAt(customers).username).api.get('me').json();
    await warmUp.logout();
    await emulator.reset();
    const baseline = await heapUsed();

    // Logged in in two halves: the second half's heap is what a session costs, without the fixed costs a first
    // burst of work leaves (code, pools), which the average over all sessions includes.
    const half = Math.floor(customers / 2);
    const loginsStarted = performance.now();
    const logins = await forEachIndex(half, concurrency, (index) => musement.loginCustomer(customerAt(index)));
    const afterHalf = await heapUsed();
    const rest = await forEachIndex(customers - half, concurrency, (index) =>
      musement.loginCustomer(customerAt(half + index)),
    );
    const loginMs = performance.now() - loginsStarted;
    logins.failed += rest.failed;
    logins.errors.push(...rest.errors);
    const afterLogins = await emulator.counters();
    const idle = await heapUsed();
    const idlePerSession = (idle - afterHalf) / (customers - half);
    const idleAverage = (idle - baseline) / customers;

    // Live handles: one per customer, each after one call.
    const handles: ReturnType<MusementClient['customer']>[] = [];
    const beforeHandles = await heapUsed();
    for (let index = 0; index < customers; index++) handles.push(musement.customer(customerAt(index).username));
    const createdPerHandle = ((await heapUsed()) - beforeHandles) / customers;
    const warmed = await forEachIndex(customers, concurrency, (index) => handles[index]!.api.get('me').json());
    const livePerHandle = ((await heapUsed()) - beforeHandles) / customers;
    handles.length = 0;

    // Use: a handle per call, customer after customer.
    watch.presented.clear();
    await emulator.reset();
    let nextCustomer = 0;
    const used = await runClosedLoop(
      () =>
        musement
          .customer(customerAt(nextCustomer++ % customers).username)
          .api.get('me')
          .json(),
      { concurrency, durationMs: settings.durationMs },
    );
    const afterUse = await emulator.counters();
    const presentations = [...watch.presented.values()];
    const refreshes = presentations.reduce((sum, count) => sum + count, 0);
    const sentTwice = presentations.reduce((sum, count) => sum + (count - 1), 0);
    const worst = presentations.length === 0 ? null : Math.max(...presentations);

    // The same calls through one client shared by every request (one customer, password grant), with the same fetch.
    const shared = createMusementClient({
      baseUrl: emulator.url,
      clientId,
      clientSecret,
      application,
      ...customerAt(0),
      fetch: watchLogins().fetch,
    });
    await shared.api.get('me').json();
    const sharedRun = await runClosedLoop(() => shared.api.get('me').json(), {
      concurrency,
      durationMs: settings.durationMs,
    });

    // What the store's records take: the heap they free when they are deleted.
    const withRecords = await heapUsed();
    for (let index = 0; index < customers; index++) await store.delete(keyOf(emulator.url, index));
    const recordPerSession = (withRecords - (await heapUsed())) / customers;

    const failures = [
      logins.failed > 0 ? `${logins.failed} logins failed (${logins.errors[0]})` : '',
      warmed.failed > 0 ? `${warmed.failed} first calls failed (${warmed.errors[0]})` : '',
      used.failed > 0 ? `${used.failed} calls failed (${used.errors[0]})` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const base = { scenario, contender };
    const bytes = (value: number) => Math.round(value);
    figures.push(
      figure(
        {
          ...base,
          figure: 'logins (password grant)',
          value: afterLogins.tokenRequestsByGrant.password ?? 0,
          note: [`${(customers / (loginMs / 1000)).toFixed(0)} logins/s`, failures].filter(Boolean).join('; '),
        },
        { exactly: customers },
      ),
      figure(
        {
          ...base,
          figure: 'refreshes per customer per expiry (worst)',
          value: worst,
          note: `${refreshes} refreshes of ${presentations.length} expiring tokens (mean ${(refreshes / Math.max(1, presentations.length)).toFixed(3)}) in ${used.completed} calls; ${afterUse.unauthorized} 401s; ${afterUse.tokenRequestsByGrant.password ?? 0} password logins`,
        },
        { exactly: 1 },
      ),
      figure(
        {
          ...base,
          figure: 'refresh tokens sent twice',
          value: sentTwice,
          note: `the server saw ${afterUse.refreshTokenReuse} rotated refresh tokens presented again`,
        },
        { exactly: 0 },
      ),
      figure({
        ...base,
        figure: 'heap per idle session (B)',
        value: bytes(idlePerSession),
        note: `no handle alive, the sessions in a MemoryTokenStore of the process; the second half of the logins (${bytes(idleAverage)} B on average over all, fixed costs included); the store's record: ${bytes(recordPerSession)} B`,
      }),
      figure(
        {
          ...base,
          figure: "heap per idle session beyond the store's record (B)",
          value: bytes(idlePerSession - recordPerSession),
          note: 'what the client keeps of a customer whose handle is gone (heap measurement noise: tens of bytes)',
        },
        { max: idleBeyondRecordTarget, unit: ' B' },
      ),
      figure({
        ...base,
        figure: 'heap per live customer() handle (B)',
        value: bytes(livePerHandle),
        note: `after one call each; just created: ${bytes(createdPerHandle)} B`,
      }),
      figure({
        ...base,
        figure: 'throughput, a handle per call (calls/s)',
        value: Math.round(used.throughput),
        note: `${used.completed} calls over ${customers} customers, ${(refreshes / Math.max(1, used.completed)).toFixed(2)} refreshes per call (a customer comes back after ${(customers / Math.max(1, used.throughput)).toFixed(1)} s on average, tokens live ${settings.tokenLifetimeMs / 1000} s)`,
      }),
      figure({
        ...base,
        figure: 'throughput / one shared client',
        value: Math.round((used.throughput / sharedRun.throughput) * 1000) / 1000,
        note: `one shared client of one customer: ${Math.round(sharedRun.throughput)} calls/s${sharedRun.failed > 0 ? `, ${sharedRun.failed} failed (${sharedRun.errors[0]})` : ''}`,
      }),
    );
    Object.assign(details, {
      loginMs,
      afterLogins,
      afterUse,
      heap: {
        baseline,
        afterHalf,
        idle,
        idlePerSession,
        idleAverage,
        recordPerSession,
        createdPerHandle,
        livePerHandle,
      },
      refreshes,
      expiringTokens: presentations.length,
      sentTwice,
      used: { completed: used.completed, failed: used.failed, errors: used.errors, throughput: used.throughput },
      shared: { completed: sharedRun.completed, failed: sharedRun.failed, throughput: sharedRun.throughput },
    });
  } finally {
    await emulator.close();
  }
  return { scenario: '7 many customers', figures, details, durationMs: performance.now() - started };
}

/** The store key of customer `index`, as the client builds it. */
function keyOf(baseUrl: string, index: number): string {
  return createTokenKey({ provider: 'musement', baseUrl, clientId, user: customerAt(index).username });
}
