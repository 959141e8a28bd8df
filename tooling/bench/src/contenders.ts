import type { Agent as HttpAgent } from 'node:http';
import type { HttpOptions } from '@auth/core';
import { createGomusClient } from '@auth/gomus';
import { createMusementClient } from '@auth/musement';
import { createMusimapClient } from '@auth/musimap';
import { gomusTestTokens, musementTestCredentials, musimapTestCredentials } from '@auth/testing';
import axios, { type AxiosError } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import ky, { type Options } from 'ky';
import type { EmulatorKind } from './emulator-process.ts';
import { engineFloorName, engineFloorOptions } from './engine-floor.ts';

/**
 * - floor: bare fetch / bare ky with a fixed Authorization header (no token logic at all);
 * - ours: our clients, whose figures carry the targets;
 * - alternative: what users write or install instead (ky's README refresh recipe, axios + axios-auth-refresh);
 * - diagnostic: a variant of the floor that isolates one cost, to explain a ratio.
 */
export type ContenderRole = 'floor' | 'ours' | 'alternative' | 'diagnostic';

export interface Contender {
  name: string;
  role: ContenderRole;
  /** One call of the scenario's endpoint, body read. `headers` are added to the request. */
  call(headers?: Record<string, string>): Promise<unknown>;
}

/** The emulator endpoint every contender of a scenario calls. */
export interface Endpoint {
  kind: EmulatorKind;
  /** Emulator root, `http://127.0.0.1:<port>`. */
  url: string;
}

/** What an observed contender reports, for the expiry scenario. */
export interface Observer {
  /** A token request went out at `startMs` and was answered at `endMs` (performance.now()). */
  tokenExchange(startMs: number, endMs: number): void;
  /** An API request that carried `x-bench-call: <callId>` was answered 401. */
  unauthorized(callId: string | undefined): void;
}

/** The API endpoint (relative to the API prefix) and the prefix, per provider: small, cached pages. */
const apiPaths: Record<EmulatorKind, { prefix: string; path: string }> = {
  musimap: { prefix: '', path: 'lexicology/tags?limit=5' },
  musement: { prefix: '/api/v3', path: 'cities?limit=5' },
  gomus: { prefix: '/api/v4', path: 'tickets?per_page=5' },
};

export const musimapTokenPath = '/oauth/access_tokens/client';
const callHeader = 'x-bench-call';

/** Headers every request of a provider needs besides Authorization. */
function providerHeaders(kind: EmulatorKind): Record<string, string> {
  return kind === 'musement' ? { 'x-musement-application': musementTestCredentials.application } : {};
}

/** A valid token, obtained once up front, for the contenders with a fixed header. */
export async function fetchFixedToken(endpoint: Endpoint): Promise<string> {
  if (endpoint.kind === 'gomus') return gomusTestTokens.user;
  if (endpoint.kind === 'musimap') {
    const body = await ky
      .post(`${endpoint.url}${musimapTokenPath}`, {
        json: { client_id: musimapTestCredentials.clientId, client_secret: musimapTestCredentials.clientSecret },
      })
      .json<{ data: { token: string } }>();
    return body.data.token;
  }
  const body = await ky
    .post(`${endpoint.url}/api/v3/login`, {
      headers: providerHeaders('musement'),
      json: {
        client_id: musementTestCredentials.clientId,
        client_secret: musementTestCredentials.clientSecret,
        grant_type: 'client_credentials',
      },
    })
    .json<{ access_token: string }>();
  return body.access_token;
}

/** The floor: `fetch` with a fixed token, body read as JSON. */
export function bareFetch(endpoint: Endpoint, token: string): Contender {
  const { prefix, path } = apiPaths[endpoint.kind];
  const url = `${endpoint.url}${prefix}/${path}`;
  const headers = { ...providerHeaders(endpoint.kind), authorization: `Bearer ${token}` };
  return {
    name: 'fetch (fixed header)',
    role: 'floor',
    async call(extra) {
      const response = await fetch(url, { headers: extra ? { ...headers, ...extra } : headers });
      if (!response.ok) throw new Error(`fetch: ${response.status}`);
      return response.json();
    },
  };
}

/** ky on the endpoint with a fixed token (no token logic), given `options` besides: the base of the ky rows. */
function kyWithFixedToken(
  endpoint: Endpoint,
  token: string,
  contender: Pick<Contender, 'name' | 'role'>,
  options: Options = {},
): Contender {
  const { prefix, path } = apiPaths[endpoint.kind];
  const api = ky.create({
    prefix: `${endpoint.url}${prefix}/`,
    headers: { ...providerHeaders(endpoint.kind), authorization: `Bearer ${token}` },
    ...options,
  });
  return { ...contender, call: (headers) => api.get(path, headers ? { headers } : {}).json() };
}

/** The floor every ratio refers to: ky with a fixed token. */
export function bareKy(endpoint: Endpoint, token: string): Contender {
  return kyWithFixedToken(endpoint, token, { name: 'ky (fixed header)', role: 'floor' });
}

/** Bare ky given the options our engine passes it, each doing nothing: see `engineFloorOptions`. */
export function kyEngineFloor(endpoint: Endpoint, token: string): Contender {
  return kyWithFixedToken(endpoint, token, { name: engineFloorName, role: 'diagnostic' }, engineFloorOptions);
}

/**
 * Bare ky plus one afterResponse hook that does nothing: ky hands each afterResponse hook a clone of the response
 * (a tee of its body stream), and our clients' core registers one. Shows what that clone alone costs.
 */
export function kyWithNoopAfterResponse(endpoint: Endpoint, token: string): Contender {
  return kyWithFixedToken(
    endpoint,
    token,
    { name: 'ky + 1 no-op afterResponse hook', role: 'diagnostic' },
    { hooks: { afterResponse: [() => undefined] } },
  );
}

/** Options passed to our client besides the credentials. */
export type OurClientOptions = Pick<HttpOptions, 'rateLimit' | 'retry' | 'fetch' | 'logger' | 'telemetry'>;

/** Our client of the endpoint's provider, as a user creates it. Each call creates a new client (empty cache). */
export function ourClient(
  endpoint: Endpoint,
  options: OurClientOptions = {},
  observer?: Observer,
  nameSuffix = '',
): Contender {
  const { path } = apiPaths[endpoint.kind];
  const http = { ...options, ...(observer ? { fetch: observedFetch(observer, options.fetch) } : {}) };
  if (endpoint.kind === 'musimap') {
    const client = createMusimapClient({
      baseUrl: endpoint.url,
      clientId: musimapTestCredentials.clientId,
      clientSecret: musimapTestCredentials.clientSecret,
      ...http,
    });
    return {
      name: `createMusimapClient${nameSuffix}`,
      role: nameSuffix === '' ? 'ours' : 'diagnostic',
      call: (headers) => client.api.get(path, headers ? { headers } : {}).json(),
    };
  }
  if (endpoint.kind === 'musement') {
    const client = createMusementClient({
      baseUrl: endpoint.url,
      clientId: musementTestCredentials.clientId,
      clientSecret: musementTestCredentials.clientSecret,
      application: musementTestCredentials.application,
      ...http,
    });
    return {
      name: 'createMusementClient',
      role: 'ours',
      call: (headers) => client.api.get(path, headers ? { headers } : {}).json(),
    };
  }
  const client = createGomusClient({ baseUrl: endpoint.url, token: gomusTestTokens.user, ...http });
  return {
    name: 'createGomusClient',
    role: 'ours',
    call: (headers) => client.api.get(path, headers ? { headers } : {}).json(),
  };
}

/** A fetch that reports token exchanges and 401s to `observer`. */
function observedFetch(observer: Observer, base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const started = performance.now();
    const response = await base(input, init);
    if (url.includes(musimapTokenPath) || url.includes('/api/v3/login')) {
      observer.tokenExchange(started, performance.now());
    } else if (response.status === 401) {
      const headers = input instanceof Request ? input.headers : new Headers(init?.headers);
      observer.unauthorized(headers.get(callHeader) ?? undefined);
    }
    return response;
  };
}

/**
 * ky with the token refresh recipe of ky's README (hooks.afterResponse: on a 401 of the first attempt, get a new token
 * and `ky.retry` with it), plus the obvious beforeRequest hook that sends the token it holds. It starts without one.
 * Musimap only: its token endpoint is a plain client-credentials POST.
 */
export function kyRefreshRecipe(endpoint: Endpoint, observer?: Observer): Contender {
  const { path } = apiPaths.musimap;
  let token: string | undefined;
  const refreshToken = async () => {
    const started = performance.now();
    const body = await ky
      .post(`${endpoint.url}${musimapTokenPath}`, {
        json: { client_id: musimapTestCredentials.clientId, client_secret: musimapTestCredentials.clientSecret },
      })
      .json<{ data: { token: string } }>();
    observer?.tokenExchange(started, performance.now());
    token = body.data.token;
    return token;
  };
  const api = ky.create({
    prefix: `${endpoint.url}/`,
    hooks: {
      beforeRequest: [
        ({ request }) => {
          if (token !== undefined) request.headers.set('Authorization', `Bearer ${token}`);
        },
      ],
      afterResponse: [
        async ({ request, response, retryCount }) => {
          if (response.status === 401 && retryCount === 0) {
            observer?.unauthorized(request.headers.get(callHeader) ?? undefined);
            // Only refresh on first 401, not on subsequent retries
            const token = await refreshToken();

            const headers = new Headers(request.headers);
            headers.set('Authorization', `Bearer ${token}`);

            return ky.retry({
              request: new Request(request, { headers }),
              code: 'TOKEN_REFRESHED',
            });
          }
        },
      ],
    },
  });
  return {
    name: 'ky + README refresh recipe',
    role: 'alternative',
    call: (headers) => api.get(path, headers ? { headers } : {}).json(),
  };
}

/**
 * axios with axios-auth-refresh, as its README sets it up: a request interceptor sends the token held, the refresh
 * logic gets a new one on 401 and sets it on the failed request, which the plugin replays. Starts without a token.
 * Musimap only.
 */
export function axiosAuthRefresh(endpoint: Endpoint, observer?: Observer, httpAgent?: HttpAgent): Contender {
  const { path } = apiPaths.musimap;
  let token: string | undefined;
  const instance = axios.create({ baseURL: `${endpoint.url}/`, ...(httpAgent ? { httpAgent } : {}) });
  instance.interceptors.request.use((request) => {
    if (token !== undefined) request.headers.Authorization = `Bearer ${token}`;
    return request;
  });
  if (observer) {
    // Registered before the plugin's, so it sees every 401 first.
    instance.interceptors.response.use(undefined, (error: AxiosError) => {
      if (error.response?.status === 401 && !(error.config as { skipAuthRefresh?: boolean }).skipAuthRefresh) {
        observer.unauthorized(error.config?.headers.get(callHeader)?.toString());
      }
      return Promise.reject(error);
    });
  }
  const refreshAuthLogic = async (failedRequest: { response: { config: { headers: Record<string, string> } } }) => {
    const started = performance.now();
    const response = await axios.post<{ data: { token: string } }>(
      `${endpoint.url}${musimapTokenPath}`,
      { client_id: musimapTestCredentials.clientId, client_secret: musimapTestCredentials.clientSecret },
      httpAgent ? { httpAgent } : {},
    );
    observer?.tokenExchange(started, performance.now());
    token = response.data.data.token;
    failedRequest.response.config.headers.Authorization = `Bearer ${token}`;
  };
  // axios-auth-refresh's types import axios's CommonJS declarations, ours the ESM ones: the same instance type twice.
  createAuthRefresh(instance as unknown as Parameters<typeof createAuthRefresh>[0], refreshAuthLogic);
  return {
    name: 'axios + axios-auth-refresh',
    role: 'alternative',
    call: async (headers) => (await instance.get(path, headers ? { headers } : {})).data,
  };
}
