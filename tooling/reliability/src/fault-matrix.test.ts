// Every provider × every fault × GET and POST, against the emulators: each cell must end, within a generous deadline,
// with the documented outcome (a success after retry, or one specific typed error) and the documented number of
// requests. Faults that cannot happen to a provider are "n/a" with the reason. The table is printed at the end.
// Rows where the client is told to wait (a Retry-After) run after the others, one cell at a time, on fake time: each
// asserts the wait was asked for and that the retry came no sooner on the fake clock, without sitting through it.
import type { HttpOptions } from '@auth/core';
import type { EmulatorHandle, FaultSpec } from '@auth/testing';
import { afterAll, describe, type ExpectStatic, it, vi } from 'vitest';
import { sendJson, startTestServer } from '../../../packages/core/src/test-support/start-test-server.js';
import { runWithFakeTime } from '../../../packages/testing/src/test-support/run-with-fake-time.js';
import { classifyOutcome, describeOutcome, type Outcome, type OutcomeKind } from './classify-outcome.js';
import { failOnUnhandledRejections } from './fail-on-unhandled-rejections.js';
import {
  asMusementHandle,
  type ClientUnderTest,
  type MethodClass,
  type ProviderName,
  type ProviderUnderTest,
  providersUnderTest,
} from './providers-under-test.js';
import { withDeadline } from './with-deadline.js';

const timeoutMs = 1_000;
/** A small body cap, so that the "oversized answer" rows need only a few MB. */
const maxResponseBytes = 1_000_000;
const http: HttpOptions = { retry: { initialDelayMs: 1 }, timeoutMs, totalTimeoutMs: 15_000, maxResponseBytes };
/** Far beyond any documented outcome: reaching it means the call hung. */
const deadlineMs = 25_000;
const retryLimit = 3;
const methods: readonly MethodClass[] = ['GET', 'POST'];

interface Expected {
  /** `through`: what a request that reaches the API gives (success, or 404 for Musimap's POST). */
  kind: OutcomeKind | 'through';
  status?: number;
  timedOut?: boolean;
  retryAfterMs?: number;
  /** API requests the emulator received for the call. */
  apiRequests: number;
  /** Token requests during the call: a number, or counts by grant. @default 1 on a cold client with a token endpoint */
  tokenRequests?: number | Record<string, number>;
  /**
   * The client must be asked to wait this long (a Retry-After) and send its retry no sooner: the gap between the API
   * requests' arrivals on the cell's fake clock. Only for a fault with `fakeTime`.
   */
  retryAfterWaitMs?: number;
  /** Requests the other origin a redirect pointed to received (credentials must never reach it). */
  elsewhereRequests?: number;
}

interface CellContext {
  provider: ProviderUnderTest;
  method: MethodClass;
  emulator: EmulatorHandle;
  client: ClientUnderTest;
  /** Queues `fault` on this cell's API path and method. */
  injectOnApi(fault: FaultSpec): void;
  /** A URL on another origin (a loopback server outside the emulator), unique to this cell, that counts requests. */
  elsewhere: string;
}

interface FaultCase {
  name: string;
  /** Why the fault cannot happen to a provider. */
  notApplicable?: Partial<Record<ProviderName, string>>;
  tokenLifetimeSeconds?: number;
  /** The client is told to wait (a Retry-After): the cell runs on fake time, after the others, alone. */
  fakeTime?: boolean;
  arrange(context: CellContext): Promise<void> | void;
  /** Resolves when the caller aborts its call (the call then gets the signal's reason). @default never */
  abortWhen?(context: CellContext): Promise<void>;
  expected(provider: ProviderUnderTest, method: MethodClass): Expected;
}

const noTokenEndpoint = 'go~mus tokens are static API keys: no token endpoint, nothing to refresh';
const cold = (provider: ProviderUnderTest) => (provider.tokenPath ? 1 : 0);

/** A transient fault: GET is retried and gets through, POST is not retried and surfaces `error`. */
const transient =
  (error: Omit<Expected, 'apiRequests'>, getExtra: Partial<Expected> = {}) =>
  (provider: ProviderUnderTest, method: MethodClass): Expected =>
    method === 'GET'
      ? { kind: 'through', apiRequests: 2, tokenRequests: cold(provider), ...getExtra }
      : { ...error, apiRequests: 1, tokenRequests: cold(provider) };

/** The same typed error for both methods, after `apiRequests` requests. */
const always =
  (error: Omit<Expected, 'apiRequests'>, apiRequests = 1) =>
  (provider: ProviderUnderTest): Expected => ({ tokenRequests: cold(provider), ...error, apiRequests });

/** Logs in with one successful call, then forgets the counters, so the cell counts only what the fault causes. */
async function warmUp({ client, emulator }: CellContext): Promise<void> {
  await client.call('GET');
  emulator.reset();
}

const injectOnToken = ({ emulator, provider }: CellContext, fault: FaultSpec) =>
  emulator.injectFault({ ...fault, match: { path: provider.tokenPath ?? '' } });

const statusFault = (status: number) => (context: CellContext) => context.injectOnApi({ kind: 'status', status });

const redirectElsewhere = (status: number) => ({
  kind: 'status' as const,
  status,
  headers: { location: '' },
  body: '',
});

/** Another origin: a loopback server outside the emulators, recording the requests it receives. */
const elsewhere = startTestServer((_request, response) =>
  sendJson(response, 200, { access_token: 'elsewhere', expires_in: 3600 }),
);

/** Resolves once `count()` reaches `atLeast` (checked every 5 ms; the cell's deadline bounds it). */
async function until(count: () => number, atLeast = 1): Promise<void> {
  while (count() < atLeast) await new Promise((resolve) => setTimeout(resolve, 5));
}

const faults: readonly FaultCase[] = [
  {
    name: '500',
    arrange: statusFault(500),
    expected: transient({ kind: 'ApiError', status: 500 }),
  },
  {
    name: '502',
    arrange: statusFault(502),
    expected: transient({ kind: 'ApiError', status: 502 }),
  },
  {
    name: '503 Retry-After: 1',
    fakeTime: true,
    arrange: (context) => context.injectOnApi({ kind: 'status', status: 503, headers: { 'retry-after': '1' } }),
    expected: transient({ kind: 'RateLimitError', status: 503, retryAfterMs: 1_000 }, { retryAfterWaitMs: 1_000 }),
  },
  {
    name: '504',
    arrange: statusFault(504),
    expected: transient({ kind: 'ApiError', status: 504 }),
  },
  {
    name: 'connection reset',
    arrange: (context) => context.injectOnApi({ kind: 'reset' }),
    expected: transient({ kind: 'NetworkError', timedOut: false }),
  },
  {
    name: 'slow headers (3× timeout)',
    arrange: (context) => context.injectOnApi({ kind: 'status', status: 200, body: {}, delayMs: timeoutMs * 3 }),
    expected: transient({ kind: 'NetworkError', timedOut: true }),
  },
  {
    name: 'hang (every attempt)',
    arrange: (context) => context.injectOnApi({ kind: 'hang', times: Number.POSITIVE_INFINITY }),
    expected: (provider, method) => ({
      kind: 'NetworkError',
      timedOut: true,
      apiRequests: method === 'GET' ? retryLimit + 1 : 1,
      tokenRequests: cold(provider),
    }),
  },
  {
    name: 'malformed JSON (200)',
    arrange: (context) => context.injectOnApi({ kind: 'malformed-json' }),
    expected: always({ kind: 'ApiError', status: 200 }),
  },
  {
    name: 'HTML error page (502)',
    arrange: (context) => context.injectOnApi({ kind: 'html' }),
    expected: transient({ kind: 'ApiError', status: 502 }),
  },
  {
    name: 'empty body (200)',
    arrange: (context) => context.injectOnApi({ kind: 'empty' }),
    expected: always({ kind: 'ApiError', status: 200 }),
  },
  {
    name: '401 right after a refresh',
    notApplicable: { gomus: noTokenEndpoint },
    async arrange(context) {
      await warmUp(context);
      // The first 401 makes the client renew its token and replay; the replay is refused again.
      context.injectOnApi({ kind: 'status', status: 401, times: 2, body: { error: 'invalid_grant' } });
    },
    expected: (provider) => ({
      kind: 'ApiError',
      status: 401,
      apiRequests: 2,
      tokenRequests: provider.hasRefreshToken ? { refresh_token: 1 } : 1,
    }),
  },
  {
    name: 'refresh token revoked',
    notApplicable: { gomus: noTokenEndpoint, musimap: 'Musimap issues no refresh token (a new client token instead)' },
    async arrange(context) {
      await warmUp(context);
      const musement = asMusementHandle(context.emulator);
      const refreshToken = musement.latestRefreshToken();
      if (refreshToken === undefined) throw new Error('no refresh token was issued');
      musement.revoke(refreshToken);
      musement.expireAllTokens(); // the API now refuses the access token: the client must renew
    },
    expected: () => ({ kind: 'through', apiRequests: 2, tokenRequests: { refresh_token: 1, password: 1 } }),
  },
  {
    name: 'token endpoint down (503)',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'status', status: 503, times: Number.POSITIVE_INFINITY }),
    expected: () => ({ kind: 'ApiError', status: 503, apiRequests: 0, tokenRequests: retryLimit + 1 }),
  },
  {
    name: 'token endpoint reset (once)',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'reset' }),
    expected: () => ({ kind: 'through', apiRequests: 1, tokenRequests: 2 }),
  },
  {
    name: 'token endpoint hangs',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'hang', times: Number.POSITIVE_INFINITY }),
    // The call waits for the login outside its own attempt's timer; the login times out on each of its attempts.
    expected: () => ({ kind: 'NetworkError', timedOut: true, apiRequests: 0, tokenRequests: retryLimit + 1 }),
  },
  {
    name: 'token endpoint malformed JSON',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'malformed-json' }),
    expected: () => ({ kind: 'ApiError', status: 200, apiRequests: 0, tokenRequests: 1 }),
  },
  {
    name: 'token endpoint 429 Retry-After: 3600',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'status', status: 429, headers: { 'retry-after': '3600' } }),
    expected: () => ({
      kind: 'RateLimitError',
      status: 429,
      retryAfterMs: 3_600_000,
      apiRequests: 0,
      tokenRequests: 1,
    }),
  },
  {
    // A 429 means the request was not processed: even a POST is sent again (gomus and musimap READMEs, core).
    name: '429 Retry-After: 1',
    fakeTime: true,
    arrange: (context) => context.injectOnApi({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }),
    expected: (provider) => ({
      kind: 'through',
      apiRequests: 2,
      tokenRequests: cold(provider),
      retryAfterWaitMs: 1_000,
    }),
  },
  {
    name: '429 on every attempt',
    arrange: (context) =>
      context.injectOnApi({
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '0' },
        times: Number.POSITIVE_INFINITY,
      }),
    expected: always({ kind: 'RateLimitError', status: 429 }, retryLimit + 1),
  },
  {
    name: '429 Retry-After: 3600',
    arrange: (context) => context.injectOnApi({ kind: 'status', status: 429, headers: { 'retry-after': '3600' } }),
    expected: always({ kind: 'RateLimitError', status: 429, retryAfterMs: 3_600_000 }),
  },
  {
    name: 'server clock +1 h',
    // Shorter than the skew: a client trusting the server's absolute times would hold an expired token at once.
    tokenLifetimeSeconds: 1_800,
    arrange: (context) => context.emulator.setClockOffsetMs(3_600_000),
    expected: (provider) => ({ kind: 'through', apiRequests: 1, tokenRequests: cold(provider) }),
  },
  {
    name: 'server clock −1 h',
    tokenLifetimeSeconds: 1_800,
    arrange: (context) => context.emulator.setClockOffsetMs(-3_600_000),
    expected: (provider) => ({ kind: 'through', apiRequests: 1, tokenRequests: cold(provider) }),
  },
  ...[307, 302].map(
    (status): FaultCase => ({
      name: `token endpoint ${status} to another origin`,
      notApplicable: { gomus: noTokenEndpoint },
      arrange: (context) => {
        const fault = redirectElsewhere(status);
        fault.headers.location = context.elsewhere;
        injectOnToken(context, fault);
      },
      expected: () => ({ kind: 'RedirectError', status, apiRequests: 0, tokenRequests: 1, elsewhereRequests: 0 }),
    }),
  ),
  {
    name: 'API 302 to another origin',
    arrange: (context) => {
      const fault = redirectElsewhere(302);
      fault.headers.location = context.elsewhere;
      context.injectOnApi(fault);
    },
    expected: always({ kind: 'RedirectError', status: 302, elsewhereRequests: 0 }),
  },
  {
    name: 'token with CR/LF',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) =>
      injectOnToken(context, {
        kind: 'status',
        status: 200,
        body: context.provider.tokenAnswer?.('SECRET-bad\r\nX-Injected: 1'),
      }),
    expected: () => ({ kind: 'AuthError', apiRequests: 0, tokenRequests: 1 }),
  },
  {
    name: 'oversized token answer (2 MB)',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'status', status: 200, body: 'x'.repeat(2_000_000) }),
    expected: () => ({ kind: 'ApiError', status: 200, apiRequests: 0, tokenRequests: 1 }),
  },
  {
    name: `oversized API answer (2 MB, cap ${maxResponseBytes / 1e6} MB)`,
    arrange: (context) => context.injectOnApi({ kind: 'status', status: 200, body: 'x'.repeat(2_000_000) }),
    expected: always({ kind: 'ApiError', status: 200 }),
  },
  {
    name: 'abort while waiting for a login',
    notApplicable: { gomus: noTokenEndpoint },
    arrange: (context) => injectOnToken(context, { kind: 'latency', delayMs: 10_000 }),
    abortWhen: ({ emulator }) => until(() => emulator.counters.tokenRequests),
    expected: () => ({ kind: 'aborted', apiRequests: 0, tokenRequests: 1 }),
  },
];

interface CellResult {
  text: string;
  passed: boolean;
}
const results = new Map<string, CellResult>();
const cellKey = (fault: string, provider: ProviderName, method: MethodClass) => `${fault}|${provider}|${method}`;

failOnUnhandledRejections('the fault matrix');
afterAll(async () => {
  await (await elsewhere).close();
  printMatrix();
});

function resolveThrough(expected: Expected, provider: ProviderUnderTest, method: MethodClass): Expected {
  if (expected.kind !== 'through') return expected;
  if (method === 'POST' && provider.postThroughStatus !== undefined) {
    return { ...expected, kind: 'ApiError', status: provider.postThroughStatus };
  }
  return { ...expected, kind: 'ok' };
}

function tokenCount(emulator: EmulatorHandle, expected: Expected['tokenRequests']): number | Record<string, number> {
  if (typeof expected === 'object') {
    return Object.fromEntries(
      Object.keys(expected).map((grant) => [grant, emulator.counters.tokenRequestsByGrant[grant] ?? 0]),
    );
  }
  return emulator.counters.tokenRequests;
}

// Every case at once: they wait on timeouts and leases, not on the CPU.
vi.setConfig({ maxConcurrency: 40 });

/** Declares the cells of `faults`, each run by `run`. */
function declareCells(faults: readonly FaultCase[], run: (cell: Cell) => Promise<void>): void {
  for (const fault of faults) {
    for (const provider of providersUnderTest) {
      for (const method of methods) {
        const reason = fault.notApplicable?.[provider.name];
        const key = cellKey(fault.name, provider.name, method);
        if (reason !== undefined) {
          results.set(key, { text: 'n/a', passed: true });
          continue;
        }
        const expected = resolveThrough(fault.expected(provider, method), provider, method);
        const summary = `${describeOutcome(expected as Outcome)} after ${expected.apiRequests} API request(s)`;
        it(`${provider.name} × ${fault.name} × ${method} → ${summary}`, ({ expect }) =>
          run({ fault, provider, method, key, expected, expect }));
      }
    }
  }
}

interface Cell {
  fault: FaultCase;
  provider: ProviderUnderTest;
  method: MethodClass;
  key: string;
  expected: Expected;
  expect: ExpectStatic;
}

async function runCell({ fault, provider, method, key, expected, expect }: Cell): Promise<void> {
  results.set(key, { text: 'did not finish', passed: false });
  const emulator = await provider.start(
    fault.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: fault.tokenLifetimeSeconds },
  );
  try {
    // The Retry-After waits the client is asked for, as its instrumentation reports them.
    const retryAfterWaits: number[] = [];
    const telemetry: HttpOptions['telemetry'] = {
      attempt: () => () => {},
      renewal: () => ({ run: (work) => work(), end: () => {} }),
      waited: (kind, durationMs) => {
        if (kind === 'retry_after') retryAfterWaits.push(durationMs);
      },
      replayed: () => {},
    };
    const client = provider.createClient(emulator, fault.fakeTime ? { ...http, telemetry } : http);
    const elsewherePath = `/${provider.name}/${method}/${encodeURIComponent(fault.name)}`;
    const context: CellContext = {
      provider,
      method,
      emulator,
      client,
      injectOnApi: (spec) => emulator.injectFault({ ...spec, match: { method, path: provider.apiPath[method] } }),
      elsewhere: `${(await elsewhere).url}${elsewherePath}`,
    };
    await fault.arrange(context);
    const controller = new AbortController();
    const abortReason = new Error('the caller gave up');
    fault.abortWhen?.(context).then(() => controller.abort(abortReason));
    const settled = await withDeadline(
      Promise.allSettled([client.call(method, controller.signal)]).then(([result]) => result!),
      deadlineMs,
      `${provider.name} ${method} under "${fault.name}"`,
    );
    const outcome = classifyOutcome(settled, abortReason);
    const apiRequests = emulator.counters.apiRequests;
    const tokenRequests = tokenCount(emulator, expected.tokenRequests ?? cold(provider));
    const tokens = typeof tokenRequests === 'number' ? `${tokenRequests}` : JSON.stringify(tokenRequests);
    results.set(key, {
      text: `${describeOutcome(outcome)} · api ${apiRequests}${provider.tokenPath ? ` · token ${tokens.replace(/[{}"]/g, '')}` : ''}`,
      passed: false,
    });

    expect(outcome.kind, outcome.detail).not.toBe('untyped');
    expect(outcome).toMatchObject({
      kind: expected.kind,
      ...(expected.status === undefined ? {} : { status: expected.status }),
      ...(expected.timedOut === undefined ? {} : { timedOut: expected.timedOut }),
      ...(expected.retryAfterMs === undefined ? {} : { retryAfterMs: expected.retryAfterMs }),
    });
    expect(apiRequests, 'API requests').toBe(expected.apiRequests);
    expect(tokenRequests, 'token requests').toEqual(expected.tokenRequests ?? cold(provider));
    if (expected.retryAfterWaitMs !== undefined) {
      expect(retryAfterWaits, 'Retry-After waits asked for').toEqual([expected.retryAfterWaitMs]);
      // Arrival times on the fake clock: the retry came no sooner than the wait.
      const [failed, retried] = emulator.requests
        .filter((request) => request.method === method && request.path === provider.apiPath[method])
        .map((request) => request.receivedAt);
      expect(retried! - failed!, 'fake ms between the API attempts').toBeGreaterThanOrEqual(expected.retryAfterWaitMs);
    }
    if (expected.elsewhereRequests !== undefined) {
      const hits = (await elsewhere).requests.filter((request) => request.path === elsewherePath).length;
      expect(hits, 'requests to the other origin').toBe(expected.elsewhereRequests);
    }
    if (fault.tokenLifetimeSeconds !== undefined && provider.tokenPath && client.getToken) {
      // The lifetime is measured on our clock, whatever the server's clock says.
      const remainingMs = ((await client.getToken()).expiresAt ?? 0) - Date.now();
      expect(remainingMs).toBeGreaterThan(fault.tokenLifetimeSeconds * 1000 - 60_000);
      expect(remainingMs).toBeLessThanOrEqual(fault.tokenLifetimeSeconds * 1000);
      expect(emulator.counters.unauthorized).toBe(0);
    }
    results.set(key, { ...results.get(key)!, passed: true });
  } finally {
    await emulator.close();
  }
}

describe.concurrent('fault matrix', () => {
  declareCells(
    faults.filter((fault) => !fault.fakeTime),
    runCell,
  );
});

// Fake timers are global: these cells run after the others, one at a time, each on its own fake clock.
describe('fault matrix, Retry-After waits on fake time', () => {
  declareCells(
    faults.filter((fault) => fault.fakeTime),
    (cell) => runWithFakeTime(() => runCell(cell)),
  );
});

function printMatrix(): void {
  const columns = providersUnderTest.flatMap((provider) => methods.map((method) => ({ provider, method })));
  const header = ['fault', ...columns.map(({ provider, method }) => `${provider.name} ${method}`)];
  const rows = faults.map((fault) => [
    fault.name,
    ...columns.map(({ provider, method }) => {
      const result = results.get(cellKey(fault.name, provider.name, method));
      if (result === undefined) return 'not run';
      return result.passed ? result.text : `✗ ${result.text}`;
    }),
  ]);
  const widths = header.map((_, index) => Math.max(...[header, ...rows].map((row) => row[index]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, index) => cell.padEnd(widths[index]!)).join(' | ')} |`;
  const reasons = faults.flatMap((fault) =>
    Object.entries(fault.notApplicable ?? {}).map(
      ([provider, reason]) => `n/a: ${provider} × ${fault.name}: ${reason}`,
    ),
  );
  const cells = [...results.values()];
  console.log(
    [
      `Fault matrix: ${cells.filter((cell) => cell.text !== 'n/a').length} cells run, ${cells.filter((cell) => cell.text === 'n/a').length} n/a, ${cells.filter((cell) => !cell.passed).length} failed (✗). api = API requests the emulator received, token = token requests.`,
      line(header),
      line(widths.map((width) => '-'.repeat(width))),
      ...rows.map(line),
      ...reasons,
      'Musimap POST: the emulator serves no POST route of the API, so a POST that gets through is answered 404.',
    ].join('\n'),
  );
}
