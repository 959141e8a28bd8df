import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../shared/types.js';
import { musimapTestCredentials as credentials } from './musimap-test-credentials.js';
import { startMusimapEmulator } from './start-musimap-emulator.js';

type TokenEnvelope = {
  status: number;
  timestamp: number;
  data: { token: string; issued_at: number; expires_at: number } & Record<string, unknown>;
};

const body = { client_id: credentials.clientId, client_secret: credentials.clientSecret };

async function requestToken(emulator: EmulatorHandle, parameters: unknown = body) {
  const response = await fetch(`${emulator.url}/oauth/access_tokens/client`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(parameters),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as TokenEnvelope };
}

async function get(emulator: EmulatorHandle, path: string, token?: string) {
  const response = await fetch(`${emulator.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const errorEnvelope = (status: number) => ({ status, timestamp: expect.any(Number), message: expect.any(String) });

describe('startMusimapEmulator', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startMusimapEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    emulator.setClockOffsetMs(0);
  });

  describe('client tokens', () => {
    it('answers 201 with the envelope of the seed, times in epoch milliseconds, lifetime 7200 s', async () => {
      const before = Date.now();
      const response = await requestToken(emulator);
      const after = Date.now();
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        status: 201,
        timestamp: expect.any(Number),
        data: {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          removed_at: null,
          refreshed_at: null,
          revoked_at: null,
          subject_type: 'Client',
          subject_id: credentials.clientId,
          issued_at: expect.any(Number),
          expires_at: expect.any(Number),
          issuer_type: null,
          issuer_id: null,
          organization_id: credentials.organizationId,
          token: expect.any(String),
        },
      });
      const { data, timestamp } = response.body;
      expect(Object.keys(data)).toEqual([
        'id',
        'removed_at',
        'refreshed_at',
        'revoked_at',
        'subject_type',
        'subject_id',
        'issued_at',
        'expires_at',
        'issuer_type',
        'issuer_id',
        'organization_id',
        'token',
      ]);
      expect(data.issued_at).toBeGreaterThanOrEqual(before);
      expect(data.issued_at).toBeLessThanOrEqual(after);
      expect(timestamp).toBeGreaterThanOrEqual(data.issued_at);
      expect(data.expires_at - data.issued_at).toBe(7_200_000);
      expect(data.token).toMatch(/^[A-Za-z0-9+/=]+\.[\w-]+$/);
      expect(emulator.counters).toMatchObject({ tokenRequests: 1, tokenRequestsByGrant: { client: 1 } });
    });

    it('reports issued_at, expires_at and timestamp on the server clock', async () => {
      const offsetMs = -90 * 60_000; // the server's clock is 90 minutes behind
      emulator.setClockOffsetMs(offsetMs);
      const before = Date.now();
      const { body: envelope } = await requestToken(emulator);
      const after = Date.now();
      expect(envelope.data.issued_at).toBeGreaterThanOrEqual(before + offsetMs);
      expect(envelope.data.issued_at).toBeLessThanOrEqual(after + offsetMs);
      expect(envelope.timestamp).toBeLessThanOrEqual(after + offsetMs);
      expect(envelope.data.expires_at - envelope.data.issued_at).toBe(7_200_000);
      // Expiry still follows real elapsed time: the token works although expires_at is "soon" on our clock.
      expect((await get(emulator, '/lexicology/tags', envelope.data.token)).status).toBe(200);
    });

    it('rejects bad credentials with an enveloped 401 and missing ones with 400', async () => {
      const wrong = await requestToken(emulator, { ...body, client_secret: 'wrong' });
      expect([wrong.status, wrong.body]).toEqual([401, errorEnvelope(401)]);
      const missing = await requestToken(emulator, { client_id: credentials.clientId });
      expect([missing.status, missing.body]).toEqual([400, errorEnvelope(400)]);
    });
  });

  describe('API endpoints', () => {
    it('lists tags in the envelope with size, offset and total_size, honouring offset and limit', async () => {
      const { token } = (await requestToken(emulator)).body.data;
      const first = await get(emulator, '/lexicology/tags', token);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        status: 200,
        timestamp: expect.any(Number),
        size: 20,
        offset: 0,
        total_size: 49,
      });
      expect((first.body.data as unknown[])[0]).toMatchObject({
        id: expect.any(String),
        name: 'happy',
        category: 'mood',
      });
      const page = await get(emulator, '/lexicology/tags?offset=45&limit=10', token);
      expect(page.body).toMatchObject({ size: 4, offset: 45, total_size: 49 });
      expect((page.body.data as { name: string }[]).map((tag) => tag.name)).toEqual([
        '1990s',
        '2000s',
        '2010s',
        '2020s',
      ]);
    });

    it('lists tracks by limit and offset with total_size, as the vendor documents /tracks', async () => {
      const { token } = (await requestToken(emulator)).body.data;
      const first = await get(emulator, '/tracks?limit=2', token);
      expect(first.body).toMatchObject({ status: 200, size: 2, offset: 0, total_size: 5 });
      const last = await get(emulator, '/tracks?limit=2&offset=4', token);
      expect(last.body).toMatchObject({ size: 1, offset: 4, total_size: 5 });
      expect((last.body.data as { title: string }[]).map((track) => track.title)).toEqual(['Slow Motion Summer']);
    });

    it('shows a track, and an enveloped 404 for an unknown one', async () => {
      const { token } = (await requestToken(emulator)).body.data;
      const id = '00000000-0000-4000-8200-000000000001';
      expect(await get(emulator, `/tracks/${id}`, token)).toMatchObject({
        status: 200,
        body: { status: 200, data: { id, title: 'Blue Hour' } },
      });
      const missing = await get(emulator, '/tracks/nope', token);
      expect([missing.status, missing.body]).toEqual([404, errorEnvelope(404)]);
    });

    it('answers an enveloped 401 without a token, or with an unknown, expired or revoked one', async () => {
      const revoked = (await requestToken(emulator)).body.data.token;
      emulator.revoke(revoked);
      const expired = (await requestToken(emulator)).body.data.token;
      emulator.expireAllTokens();
      for (const token of [undefined, 'unknown', revoked, expired]) {
        const response = await get(emulator, '/lexicology/tags', token);
        expect([response.status, response.body]).toEqual([401, errorEnvelope(401)]);
      }
      expect(emulator.counters.unauthorized).toBe(4);
      const fresh = (await requestToken(emulator)).body.data.token;
      expect((await get(emulator, '/lexicology/tags', fresh)).status).toBe(200);
    });

    it('expires tokens after tokenLifetimeSeconds of real time', async () => {
      const own = await startMusimapEmulator({ tokenLifetimeSeconds: 0.03 });
      try {
        const { data } = (await requestToken(own)).body;
        expect(data.expires_at - data.issued_at).toBe(30);
        await new Promise((resolve) => setTimeout(resolve, 40));
        expect((await get(own, '/lexicology/tags', data.token)).status).toBe(401);
      } finally {
        await own.close();
      }
    });
  });

  describe('rate limit per client id', () => {
    let own: EmulatorHandle;
    afterEach(() => own.close());
    const other = { clientId: 'other-client', clientSecret: 'other-secret' };

    it('answers 429 with Retry-After seconds and an envelope, per client id, on token and API requests', async () => {
      own = await startMusimapEmulator({
        rateLimit: { requests: 2, windowMs: 60_000 },
        clients: [{ ...credentials }, other],
      });
      const { token } = (await requestToken(own)).body.data;
      expect((await get(own, '/lexicology/tags', token)).status).toBe(200);
      const limited = await get(own, '/lexicology/tags', token);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(limited.body).toEqual(errorEnvelope(429));
      expect((await requestToken(own)).status).toBe(429);
      const otherToken = await requestToken(own, { client_id: other.clientId, client_secret: other.clientSecret });
      expect(otherToken.status).toBe(201);
      expect(own.counters.rateLimited).toBe(2);
    });

    it('is off by default', async () => {
      own = await startMusimapEmulator();
      const { token } = (await requestToken(own)).body.data;
      for (let index = 0; index < 20; index += 1) expect((await get(own, '/lexicology/tags', token)).status).toBe(200);
    });
  });
});
