import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { musementTestCredentials as credentials } from './musement-test-credentials.js';
import { type MusementEmulatorHandle, startMusementEmulator } from './start-musement-emulator.js';

const application = { 'x-musement-application': credentials.application };
const expired = { error: 'invalid_grant', error_description: 'The access token provided has expired.' };
const client = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
const passwordGrant = {
  ...client,
  grant_type: 'password',
  username: credentials.username,
  password: credentials.password,
};

type TokenBody = {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
  scope: unknown;
};

describe('startMusementEmulator', () => {
  let emulator: MusementEmulatorHandle;
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${emulator.url}/api/v3/${path}`, init);
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  };
  const login = (parameters: Record<string, string>, headers: Record<string, string> = application) =>
    call('login', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(parameters),
    });
  const loginBody = async (parameters: Record<string, string>) => (await login(parameters)).body as TokenBody;
  const api = (path: string, token: string, init: RequestInit = {}) =>
    call(path, { ...init, headers: { ...application, authorization: `Bearer ${token}`, ...init.headers } });

  beforeAll(async () => {
    emulator = await startMusementEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe('mandatory headers', () => {
    it('answers 400 code 2271 without X-Musement-Application, on /login and elsewhere', async () => {
      for (const response of [await login({ ...client, grant_type: 'client_credentials' }, {}), await call('cities')]) {
        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          code: '2271',
          message: expect.stringMatching(/^The header 'x-musement-application' is mandatory/),
        });
      }
    });

    it('answers 400 code -1 for an unknown X-Musement-Market, and accepts known ones in any case', async () => {
      const parameters = { ...client, grant_type: 'client_credentials' };
      const unknown = await login(parameters, { ...application, 'x-musement-market': 'xx' });
      expect(unknown).toMatchObject({ status: 400, body: { code: '-1', message: expect.any(String) } });
      for (const market of ['us', 'IT', 'gb', 'de', 'fr', 'es']) {
        expect((await login(parameters, { ...application, 'x-musement-market': market })).status).toBe(200);
      }
    });

    it('narrows the accepted applications with the applications option', async () => {
      const own = await startMusementEmulator({ applications: ['partner-app'] });
      try {
        const attempt = (app: string) =>
          fetch(`${own.url}/api/v3/login?${new URLSearchParams({ ...client, grant_type: 'client_credentials' })}`, {
            headers: { 'x-musement-application': app },
          });
        expect((await attempt('partner-app')).status).toBe(200);
        expect((await attempt('other')).status).toBe(400);
      } finally {
        await own.close();
      }
    });
  });

  describe('login', () => {
    it('client_credentials by POST: access token, expires_in 3600, scope null, no refresh token, not cacheable', async () => {
      const response = await login({ ...client, grant_type: 'client_credentials' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toEqual({
        access_token: expect.any(String),
        expires_in: 3600,
        token_type: 'bearer',
        scope: null,
      });
      expect((response.body as TokenBody).access_token).toMatch(/^[A-Za-z0-9+/]{80,}$/);
    });

    it('the deprecated GET /login with the query string works as the seed shows, for every grant', async () => {
      const get = (parameters: Record<string, string>) =>
        call(`login?${new URLSearchParams(parameters)}`, { headers: application });
      expect((await get({ ...client, grant_type: 'client_credentials' })).body).toMatchObject({ scope: null });
      const password = (await get(passwordGrant)).body as TokenBody;
      expect(password).toMatchObject({ scope: 'user, password', refresh_token: expect.any(String) });
      const refreshed = await get({
        ...client,
        refresh_token: password.refresh_token ?? '',
        grant_type: 'refresh_token',
      });
      expect(refreshed.status).toBe(200);
      expect(emulator.requests[0]?.query).toMatchObject({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
      });
    });

    it('password grant: access and refresh tokens, scope "user, password"', async () => {
      const body = await loginBody(passwordGrant);
      expect(body).toEqual({
        access_token: expect.any(String),
        expires_in: 3600,
        token_type: 'bearer',
        scope: 'user, password',
        refresh_token: expect.any(String),
      });
      expect(body.refresh_token).not.toBe(body.access_token);
    });

    it('accepts a form-encoded POST too', async () => {
      const response = await fetch(`${emulator.url}/api/v3/login`, {
        method: 'POST',
        headers: application,
        body: new URLSearchParams({ ...client, grant_type: 'client_credentials' }),
      });
      expect(response.status).toBe(200);
    });

    it('rejects bad clients, bad passwords and unsupported grants with OAuth2 errors', async () => {
      expect(await login({ ...client, client_secret: 'wrong', grant_type: 'client_credentials' })).toMatchObject({
        status: 400,
        body: { error: 'invalid_client', error_description: expect.any(String) },
      });
      expect(await login({ ...passwordGrant, password: 'wrong' })).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant' },
      });
      expect(await login({ ...client, grant_type: 'authorization_code' })).toMatchObject({
        status: 400,
        body: { error: 'unsupported_grant_type' },
      });
      expect(await login({ ...client })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    });

    it('counts token requests by grant', async () => {
      await loginBody({ ...client, grant_type: 'client_credentials' });
      const { refresh_token } = await loginBody(passwordGrant);
      await loginBody({ ...client, grant_type: 'refresh_token', refresh_token: refresh_token ?? '' });
      await loginBody({ ...client, grant_type: 'client_credentials' });
      expect(emulator.counters.tokenRequests).toBe(4);
      expect(emulator.counters.tokenRequestsByGrant).toEqual({ client_credentials: 2, password: 1, refresh_token: 1 });
      expect(emulator.counters.apiRequests).toBe(0);
    });
  });

  describe('refresh-token rotation', () => {
    it('a refresh returns a new access token and a new refresh token; the old refresh token is dead', async () => {
      const first = await loginBody(passwordGrant);
      const second = await loginBody({
        ...client,
        grant_type: 'refresh_token',
        refresh_token: first.refresh_token ?? '',
      });
      expect(second).toMatchObject({ scope: 'user, password', expires_in: 3600 });
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(emulator.latestRefreshToken()).toBe(second.refresh_token);
      expect(emulator.latestRefreshToken(credentials.username)).toBe(second.refresh_token);
      expect(emulator.latestRefreshToken('someone-else@example.com')).toBeUndefined();

      const reuse = await login({ ...client, grant_type: 'refresh_token', refresh_token: first.refresh_token ?? '' });
      expect(reuse).toMatchObject({
        status: 400,
        body: { error: 'invalid_grant', error_description: expect.any(String) },
      });
      expect(emulator.counters.refreshTokenReuse).toBe(1);

      const third = await loginBody({
        ...client,
        grant_type: 'refresh_token',
        refresh_token: second.refresh_token ?? '',
      });
      expect(third.access_token).toEqual(expect.any(String));
      expect((await api('me', third.access_token)).status).toBe(200);
    });

    it('refuses unknown and revoked refresh tokens without counting them as re-use', async () => {
      const { refresh_token } = await loginBody(passwordGrant);
      emulator.revoke(refresh_token ?? '');
      for (const token of ['unknown', refresh_token ?? '']) {
        const response = await login({ ...client, grant_type: 'refresh_token', refresh_token: token });
        expect(response).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
      expect(emulator.counters.refreshTokenReuse).toBe(0);
    });

    it('expires refresh tokens after refreshTokenLifetimeSeconds', async () => {
      const own = await startMusementEmulator({ refreshTokenLifetimeSeconds: 0.03 });
      try {
        const post = (parameters: Record<string, string>) =>
          fetch(`${own.url}/api/v3/login`, { method: 'POST', headers: application, body: JSON.stringify(parameters) });
        const { refresh_token } = (await (await post(passwordGrant)).json()) as TokenBody;
        await new Promise((resolve) => setTimeout(resolve, 40));
        const response = await post({ ...client, grant_type: 'refresh_token', refresh_token: refresh_token ?? '' });
        expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
      } finally {
        await own.close();
      }
    });
  });

  describe('API endpoints', () => {
    it('lists cities with a token, honouring limit and offset', async () => {
      const { access_token } = await loginBody({ ...client, grant_type: 'client_credentials' });
      const all = (await api('cities', access_token)).body as { id: number; name: string }[];
      expect(all).toHaveLength(20);
      expect(all[0]).toMatchObject({ id: 1, name: 'Rome', country: { iso_code: 'IT' } });
      const page = (await api('cities?offset=5&limit=3', access_token)).body as { id: number }[];
      expect(page.map((city) => city.id)).toEqual([6, 7, 8]);
      expect(await api('cities/11', access_token)).toMatchObject({ status: 200, body: { name: 'London' } });
      expect(emulator.counters.apiRequests).toBe(3);
    });

    it('answers 401 without a token, and the documented 401 for expired, revoked and unknown ones', async () => {
      const noToken = await call('cities', { headers: application });
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await api('cities', 'unknown')).toMatchObject({ status: 401, body: expired });

      const revoked = await loginBody({ ...client, grant_type: 'client_credentials' });
      emulator.revoke(revoked.access_token);
      expect(await api('cities', revoked.access_token)).toMatchObject({ status: 401, body: expired });

      const old = await loginBody({ ...client, grant_type: 'client_credentials' });
      emulator.expireAllTokens();
      expect(await api('cities', old.access_token)).toMatchObject({ status: 401, body: expired });
      const fresh = await loginBody({ ...client, grant_type: 'client_credentials' });
      expect((await api('cities', fresh.access_token)).status).toBe(200);
      expect(emulator.counters.unauthorized).toBe(4);
    });

    it('expires access tokens after tokenLifetimeSeconds and reports it as expires_in', async () => {
      const own = await startMusementEmulator({ tokenLifetimeSeconds: 0.03 });
      try {
        const response = await fetch(`${own.url}/api/v3/login`, {
          method: 'POST',
          headers: application,
          body: JSON.stringify({ ...client, grant_type: 'client_credentials' }),
        });
        const { access_token, expires_in } = (await response.json()) as TokenBody;
        expect(expires_in).toBe(0.03);
        await new Promise((resolve) => setTimeout(resolve, 40));
        const cities = await fetch(`${own.url}/api/v3/cities`, {
          headers: { ...application, authorization: `Bearer ${access_token}` },
        });
        expect([cities.status, await cities.json()]).toEqual([401, expired]);
      } finally {
        await own.close();
      }
    });

    it('/me needs a customer (password grant) token', async () => {
      const customer = await loginBody(passwordGrant);
      expect(await api('me', customer.access_token)).toMatchObject({
        status: 200,
        body: { email: credentials.username },
      });
      const anonymous = await loginBody({ ...client, grant_type: 'client_credentials' });
      expect(await api('me', anonymous.access_token)).toMatchObject({
        status: 403,
        body: { code: expect.any(String), message: expect.any(String) },
      });
    });

    it('creates a cart with POST /carts and reads it back', async () => {
      const { access_token } = await loginBody(passwordGrant);
      const created = await api('carts', access_token, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-musement-currency': 'GBP' },
        body: JSON.stringify({ discount_code: 'SPRING' }),
      });
      expect(created).toMatchObject({
        status: 201,
        body: { uuid: expect.any(String), items: [], discount_code: 'SPRING', full_price: { currency: 'GBP' } },
      });
      const { uuid } = created.body as { uuid: string };
      expect(await api(`carts/${uuid}`, access_token)).toMatchObject({ status: 200, body: { uuid } });
      expect(emulator.requests.at(-2)?.body).toEqual({ discount_code: 'SPRING' });
    });

    it('answers 404 with Musement’s {code, message} envelope for unknown routes', async () => {
      const { access_token } = await loginBody({ ...client, grant_type: 'client_credentials' });
      expect(await api('nowhere', access_token)).toMatchObject({
        status: 404,
        body: { code: expect.any(String), message: expect.any(String) },
      });
    });
  });
});

describe('startMusementEmulator with generatedUsers', () => {
  it('accepts customer-<n>@example.com with customer-<n>-password for n from 1 to the count, each with a profile of their own', async () => {
    const emulator = await startMusementEmulator({ generatedUsers: 10_000 });
    try {
      const login = async (username: string, password: string) => {
        const response = await fetch(`${emulator.url}/api/v3/login`, {
          method: 'POST',
          headers: { ...application, 'content-type': 'application/json' },
          body: JSON.stringify({ ...client, grant_type: 'password', username, password }),
        });
        return { status: response.status, body: (await response.json()) as Partial<TokenBody> };
      };
      const me = async (token: string) =>
        (await (
          await fetch(`${emulator.url}/api/v3/me`, { headers: { ...application, authorization: `Bearer ${token}` } })
        ).json()) as { id: number; email: string };
      const first = await login('customer-1@example.com', 'customer-1-password');
      const last = await login('customer-10000@example.com', 'customer-10000-password');
      const profiles = [await me(first.body.access_token!), await me(last.body.access_token!)];
      expect(profiles.map((profile) => profile.email)).toEqual([
        'customer-1@example.com',
        'customer-10000@example.com',
      ]);
      expect(profiles[0]?.id).not.toBe(profiles[1]?.id);
      // The configured users stay, and nobody outside the range or with another password gets in.
      expect((await login(credentials.username, credentials.password)).status).toBe(200);
      for (const [username, password] of [
        ['customer-10001@example.com', 'customer-10001-password'],
        ['customer-0@example.com', 'customer-0-password'],
        ['customer-2@example.com', 'customer-1-password'],
      ] as const) {
        expect(await login(username, password)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
    } finally {
      await emulator.close();
    }
  });
});
