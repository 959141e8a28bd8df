// The runtime smoke suite: every provider's token flow against its emulator, from the BUILT packages (dist), in
// whichever runtime runs this file: `node`, `bun` or `deno run -A`. Plain JavaScript with no runtime-specific API, so
// that what it proves is the packages, not this script. One line per check; exit code 1 when one fails.
//   node tooling/release/src/runtimes/provider-smoke.mjs   (build first: pnpm turbo run build)
import { inspect } from 'node:util';

const packages = new URL('../../../../packages/', import.meta.url);
const load = (name) => import(new URL(`${name}/dist/index.js`, packages).href);
const [testing, core, gomus, musement, musimap] = await Promise.all(
  ['testing', 'core', 'gomus', 'musement', 'musimap'].map(load),
);

const runtime =
  typeof globalThis.Bun !== 'undefined'
    ? `bun ${globalThis.Bun.version}`
    : typeof globalThis.Deno !== 'undefined'
      ? `deno ${globalThis.Deno.version.deno}`
      : `node ${process.versions.node}`;

/** What differs between providers; the checks below are the same for all. */
const providers = {
  musimap: {
    start: () => testing.startMusimapEmulator(),
    path: '/lexicology',
    secret: testing.musimapTestCredentials.clientSecret,
    create: (url, options) =>
      musimap.createMusimapClient({
        baseUrl: url,
        clientId: testing.musimapTestCredentials.clientId,
        clientSecret: testing.musimapTestCredentials.clientSecret,
        ...options,
      }),
    call: (client) => client.api.get('lexicology/tags').json(),
    token: async (client) => (await client.getToken()).accessToken,
  },
  musement: {
    start: () => testing.startMusementEmulator(),
    path: '/api/v3/cities',
    secret: testing.musementTestCredentials.clientSecret,
    create: (url, options) =>
      musement.createMusementClient({
        baseUrl: url,
        clientId: testing.musementTestCredentials.clientId,
        clientSecret: testing.musementTestCredentials.clientSecret,
        application: testing.musementTestCredentials.application,
        ...options,
      }),
    call: (client) => client.api.get('cities').json(),
    token: async (client) => (await client.getToken()).accessToken,
  },
  gomus: {
    // go~mus has static tokens: no login, and a 401 is final (the token must be swapped), never replayed.
    staticToken: true,
    start: () => testing.startGomusEmulator(),
    path: '/api/v4/whoami',
    secret: testing.gomusTestTokens.user,
    create: (url, options) =>
      gomus.createGomusClient({ baseUrl: url, token: testing.gomusTestTokens.user, ...options }),
    call: (client) => client.whoami(),
    token: async () => testing.gomusTestTokens.user,
  },
};

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function smoke(name, provider) {
  const emulator = await provider.start();
  const logger = testing.captureLogger();
  const client = provider.create(emulator.url, { logger });
  const counters = emulator.counters;
  const errors = [];
  const results = [];
  const step = async (scenario, run) => {
    const startedAt = performance.now();
    try {
      const detail = await run();
      results.push({ ok: true, line: `${name.padEnd(9)} ${scenario.padEnd(22)} ${detail}` });
    } catch (error) {
      results.push({ ok: false, line: `${name.padEnd(9)} ${scenario.padEnd(22)} ${error?.stack ?? error}` });
    }
    return performance.now() - startedAt;
  };
  try {
    await step('login', async () => {
      await provider.call(client);
      if (provider.staticToken) {
        check(emulator.requests.at(-1)?.headers.authorization === `Bearer ${provider.secret}`, 'token not sent');
        return 'the static token sent as a Bearer header';
      }
      check(counters.tokenRequests === 1, `expected 1 token request, got ${counters.tokenRequests}`);
      return '1 token request, then the call';
    });
    await step('cached reuse', async () => {
      const before = { tokens: counters.tokenRequests, api: counters.apiRequests };
      await provider.call(client);
      await provider.call(client);
      check(
        counters.tokenRequests === before.tokens,
        `a cached token was not reused (${counters.tokenRequests} logins)`,
      );
      check(
        counters.apiRequests === before.api + 2,
        `expected 2 more API requests, got ${counters.apiRequests - before.api}`,
      );
      const [first, second] = emulator.requests.slice(-2).map((request) => request.headers.authorization);
      check(first !== undefined && first === second, 'the two calls did not send the same token');
      return '2 more calls with the same token, no token request';
    });
    await step('retry after 503', async () => {
      const before = { api: counters.apiRequests, faults: counters.faultsInjected };
      emulator.injectFault({ kind: 'status', status: 503, match: { path: provider.path } });
      await provider.call(client);
      check(counters.faultsInjected === before.faults + 1, 'the 503 was not served');
      check(counters.apiRequests === before.api + 2, `expected 2 requests, got ${counters.apiRequests - before.api}`);
      return '503, then retried and answered';
    });
    let waitedMs = 0;
    await step('429 + Retry-After: 1', async () => {
      emulator.injectFault({
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '1' },
        match: { path: provider.path },
      });
      const startedAt = performance.now();
      await provider.call(client);
      waitedMs = performance.now() - startedAt;
      // Retry-After is a floor the retry never undercuts (the ordinary backoff would be about 300 ms).
      check(waitedMs >= 990, `retried after ${Math.round(waitedMs)} ms, before the server's Retry-After of 1 s`);
      return `retried after ${Math.round(waitedMs)} ms (floor 1000 ms)`;
    });
    await step(provider.staticToken ? '401 is final' : '401 replay', async () => {
      emulator.expireAllTokens();
      const before = { tokens: counters.tokenRequests, unauthorized: counters.unauthorized, api: counters.apiRequests };
      if (provider.staticToken) {
        const error = await provider.call(client).then(
          () => undefined,
          (caught) => caught,
        );
        errors.push(error);
        check(core.CredentialsError.isInstance(error), `expected a CredentialsError, got ${inspect(error)}`);
        check(counters.apiRequests === before.api + 1, 'a 401 was sent again');
        return 'CredentialsError after exactly one request';
      }
      await provider.call(client);
      check(counters.unauthorized === before.unauthorized + 1, 'expected exactly one 401');
      check(counters.tokenRequests === before.tokens + 1, 'expected exactly one new login');
      return 'one 401, one new login, the call replayed once and answered';
    });
    await step('redaction', async () => {
      const wrong = provider.create(emulator.url, {
        logger,
        ...(provider.staticToken ? { token: 'wrong-token-0123456789' } : { clientSecret: 'wrong-secret-0123456789' }),
      });
      const error = await provider.call(wrong).then(
        () => undefined,
        (caught) => caught,
      );
      check(core.CredentialsError.isInstance(error), `a wrong credential gave ${inspect(error)}`);
      errors.push(error);
      const secrets = [
        provider.secret,
        'wrong-secret-0123456789',
        'wrong-token-0123456789',
        await provider.token(client),
      ];
      check(logger.records.length > 0, 'nothing was logged: the check would prove nothing');
      const leaks = testing.findLeakedSecrets(secrets, logger.records, errors);
      check(leaks.length === 0, `secrets leaked: ${JSON.stringify(leaks)}`);
      return `${logger.records.length} log records and ${errors.length} errors (message, fields, inspect) hold no secret`;
    });
  } finally {
    await emulator.close();
  }
  return results;
}

const selected = process.argv.slice(2).filter((name) => name in providers);
let failed = 0;
let passed = 0;
// The providers run side by side (each has its own emulator); their lines print in a fixed order.
const names = selected.length > 0 ? selected : Object.keys(providers);
const outcomes = await Promise.all(names.map((name) => smoke(name, providers[name])));
for (const results of outcomes) {
  for (const result of results) {
    console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${runtime.padEnd(12)} ${result.line}`);
    if (result.ok) passed++;
    else failed++;
  }
}
console.log(`runtime smoke on ${runtime}: ${passed} passed, ${failed} failed`);
if (failed > 0) process.exit(1);
