// Random token endpoint answers (valid, truncated, wrong types, extra fields, huge numbers, negative or missing expiry,
// random statuses, non-JSON) from a loopback server: the client yields a TokenSet or a typed error, nothing else,
// and never hangs. A valid answer must give exactly the token it carried, with its lifetime measured on our clock.
import { AuthError, type TokenSet } from '@auth/core';
import { createMusementClient } from '@auth/musement';
import { createMusimapClient } from '@auth/musimap';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failOnUnhandledRejections } from './fail-on-unhandled-rejections.js';
import { type ScriptedServer, startScriptedServer } from './start-scripted-server.js';
import { withDeadline } from './with-deadline.js';

const numRuns = 300;
const deadlineMs = 20_000;
const http = { retry: { limit: 1, initialDelayMs: 1, maxRetryAfterMs: 50 }, timeoutMs: 2_000 } as const;
const runCounts: string[] = [];

failOnUnhandledRejections('token response fuzzing');
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
  console.log(`Token response fuzzing (fast-check):\n${runCounts.join('\n')}`);
});

/** A JSON text where `raw(...)` values are written verbatim: numbers JSON can hold and JavaScript cannot (1e400). */
const rawMarker = '\u0000raw:';
const raw = (text: string) => `${rawMarker}${text}`;
const toJsonText = (value: unknown) =>
  JSON.stringify(value).replace(/"\\u0000raw:([^"]*)"/g, (_match, text: string) => text);

const tokenText = fc.stringMatching(/^[A-Za-z0-9._~+/-]{8,80}$/);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyJson, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), anyJson, { maxKeys: 3 }),
  fc.string({ maxLength: 12 }),
);
const strangeNumber = fc.oneof(
  fc.constantFrom('0', '-1', '-3600', '1e21', '1e300', '1.7976931348623157e308', '1e400', '-1e400', '9007199254740993'),
  fc.constantFrom('123456789012345678901234567890', '0.0001', '-0', '3600.5'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);
const extraFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== '__proto__'),
  anyJson,
  { maxKeys: 4 },
);
const garbageBody = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', 'null', '[]', '"token"', '42', '{}', '<html><body>502 Bad Gateway</body></html>', '{"a":'),
  anyJson.map((value) => JSON.stringify(value)),
);
const anyStatus = fc.constantFrom(200, 201, 202, 204, 301, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504);
const retryAfter = fc.option(fc.constantFrom('0', '1', '3600', 'soon', '-5', 'Wed, 21 Oct 2015 07:28:00 GMT'), {
  nil: undefined,
});

interface Case {
  label: 'valid' | 'mutated field' | 'truncated' | 'random status' | 'garbage body';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For `valid`: the token and lifetime the client must report. */
  token?: string;
  lifetimeMs?: number;
}

/**
 * Builds the case arbitrary of one provider from its valid answer: `valid` gives the answer and what the client
 * must report; `fields` lists the fields a mutation may break (a path into the answer).
 */
function cases<Valid>(options: {
  valid: fc.Arbitrary<Valid>;
  answer(valid: Valid): Record<string, unknown>;
  token(valid: Valid): string;
  lifetimeMs(valid: Valid): number;
  successStatus: number;
  fields: readonly (readonly string[])[];
}): fc.Arbitrary<Case> {
  const validCase = fc.tuple(options.valid, extraFields).map(
    ([valid, extra]): Case => ({
      label: 'valid',
      status: options.successStatus,
      headers: {},
      body: toJsonText({ ...extra, ...options.answer(valid) }),
      token: options.token(valid),
      lifetimeMs: options.lifetimeMs(valid),
    }),
  );
  const mutated = fc
    .tuple(
      options.valid,
      fc.constantFrom(...options.fields),
      fc.oneof(wrongType, strangeNumber.map(raw), fc.constant(undefined)),
    )
    .map(([valid, path, value]): Case => {
      const answer = structuredClone(options.answer(valid));
      let target = answer;
      for (const key of path.slice(0, -1)) {
        const next = target[key];
        if (typeof next !== 'object' || next === null) break;
        target = next as Record<string, unknown>;
      }
      const last = path.at(-1)!;
      if (value === undefined) delete target[last];
      else target[last] = value;
      return { label: 'mutated field', status: options.successStatus, headers: {}, body: toJsonText(answer) };
    });
  const truncated = fc
    .tuple(options.valid, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }))
    .map(([valid, share]): Case => {
      const text = toJsonText(options.answer(valid));
      return {
        label: 'truncated',
        status: options.successStatus,
        headers: {},
        body: text.slice(0, Math.floor(text.length * share)),
      };
    });
  const randomStatus = fc
    .tuple(
      anyStatus,
      fc.oneof(
        options.valid.map((valid) => toJsonText(options.answer(valid))),
        garbageBody,
      ),
      retryAfter,
    )
    .map(
      ([status, body, wait]): Case => ({
        label: 'random status',
        status,
        headers: wait === undefined ? {} : { 'retry-after': wait },
        body,
      }),
    );
  const garbage = garbageBody.map(
    (body): Case => ({ label: 'garbage body', status: options.successStatus, headers: {}, body }),
  );
  return fc.oneof(validCase, mutated, truncated, randomStatus, garbage);
}

const musementCases = cases({
  valid: fc.record({
    accessToken: tokenText,
    expiresIn: fc.integer({ min: 1, max: 10_000_000 }),
    refreshToken: fc.option(tokenText, { nil: undefined }),
    scope: fc.constantFrom(null, 'user, password'),
  }),
  answer: (valid) => ({
    access_token: valid.accessToken,
    expires_in: valid.expiresIn,
    token_type: 'bearer',
    scope: valid.scope,
    ...(valid.refreshToken === undefined ? {} : { refresh_token: valid.refreshToken }),
  }),
  token: (valid) => valid.accessToken,
  lifetimeMs: (valid) => valid.expiresIn * 1000,
  successStatus: 200,
  fields: [['access_token'], ['expires_in'], ['refresh_token'], ['token_type'], ['scope']],
});

const musimapCases = cases({
  valid: fc.record({
    token: tokenText,
    lifetimeMs: fc.integer({ min: 2_000, max: 1_000_000_000 }),
    // The server's clock may be far off ours; only the lifetime counts.
    skewMs: fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
  }),
  answer: (valid) => {
    const issuedAt = Date.now() + valid.skewMs;
    return {
      status: 201,
      timestamp: issuedAt,
      data: {
        id: 'f0e1d2c3',
        token: valid.token,
        issued_at: issuedAt,
        expires_at: issuedAt + valid.lifetimeMs,
        revoked_at: null,
        refreshed_at: null,
        removed_at: null,
        subject_type: 'Client',
      },
    };
  },
  token: (valid) => valid.token,
  lifetimeMs: (valid) => valid.lifetimeMs,
  successStatus: 201,
  fields: [['data'], ['timestamp'], ['data', 'token'], ['data', 'issued_at'], ['data', 'expires_at']],
});

const clients = {
  musement: () =>
    createMusementClient({
      ...http,
      baseUrl: server.url,
      clientId: 'fuzz-client',
      clientSecret: 'fuzz-client-secret',
      application: 'fuzz',
    }),
  musimap: () =>
    createMusimapClient({ ...http, baseUrl: server.url, clientId: 'fuzz-client', clientSecret: 'fuzz-client-secret' }),
};

describe('token endpoint answers, fuzzed', () => {
  for (const [provider, arbitrary] of [
    ['musement', musementCases],
    ['musimap', musimapCases],
  ] as const) {
    it(`${provider}: every answer gives a TokenSet or a typed AuthError, never a hang (${numRuns} runs)`, async () => {
      const tally = new Map<string, number>();
      const requestsBefore = server.requestCount;
      const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
      await fc.assert(
        fc.asyncProperty(arbitrary, async (scripted) => {
          server.respondWith(scripted);
          const before = Date.now();
          const [settled] = await withDeadline(
            Promise.allSettled([clients[provider]().getToken()]),
            deadlineMs,
            `${provider} getToken() for a ${scripted.label} answer`,
          );
          const after = Date.now();
          if (settled!.status === 'rejected') {
            const error: unknown = settled!.reason;
            if (!AuthError.isInstance(error)) {
              throw new Error(`untyped error for a ${scripted.label} answer: ${String(error)}`);
            }
            count(`${scripted.label} → ${error.name}`);
            expect(scripted.label, `a valid answer was refused: ${error.message}`).not.toBe('valid');
            return;
          }
          const token: TokenSet = settled!.value;
          count(`${scripted.label} → TokenSet`);
          expect(typeof token.accessToken).toBe('string');
          expect(token.accessToken.trim()).not.toBe('');
          if (token.expiresAt !== undefined) {
            expect(Number.isFinite(token.expiresAt)).toBe(true);
            expect(token.expiresAt).toBeGreaterThan(before);
          }
          if (scripted.label === 'valid') {
            expect(token.accessToken).toBe(scripted.token);
            expect(token.expiresAt).toBeGreaterThanOrEqual(before + scripted.lifetimeMs!);
            expect(token.expiresAt).toBeLessThanOrEqual(after + scripted.lifetimeMs!);
          }
        }),
        { numRuns },
      );
      const summary = [...tally].sort(([a], [b]) => a.localeCompare(b));
      runCounts.push(
        `  ${provider}: ${numRuns} runs, ${server.requestCount - requestsBefore} requests: ${summary.map(([key, value]) => `${key} ${value}`).join('; ')}`,
      );
    });
  }
});
