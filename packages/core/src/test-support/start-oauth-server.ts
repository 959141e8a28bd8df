import { type RecordedRequest, sendJson, startTestServer, type TestServer } from './start-test-server.js';

export interface OAuthServerOptions {
  clientId?: string;
  clientSecret?: string;
  /** @default 3600 */
  lifetimeSeconds?: number;
  /** Delay of token responses, in ms. */
  tokenDelayMs?: number;
  /** Issue refresh tokens that rotate. @default true */
  rotate?: boolean;
}

export interface OAuthServer extends TestServer {
  tokenRequests: RecordedRequest[];
  apiRequests: RecordedRequest[];
  /** Every access token issued so far is rejected from now on. */
  expireAll(): void;
  /** Answer the next API requests with these (status, headers, body) before normal behaviour. */
  apiFaults: Array<{ status: number; headers?: Record<string, string>; body?: unknown }>;
  tokenFaults: Array<{ status: number; headers?: Record<string, string>; body?: unknown }>;
  /** When true, every API request gets 401. */
  rejectAll: boolean;
  refreshTokenReuse: number;
  options: Required<OAuthServerOptions>;
}

/**
 * A minimal OAuth2 provider for core's tests: POST /token (client_credentials and refresh_token grants with
 * rotation), GET|POST /api/* that checks the bearer token.
 */
export async function startOAuthServer(options: OAuthServerOptions = {}): Promise<OAuthServer> {
  const settings: Required<OAuthServerOptions> = {
    clientId: 'client-id',
    clientSecret: 'SECRET-client-secret',
    lifetimeSeconds: 3600,
    tokenDelayMs: 0,
    rotate: true,
    ...options,
  };
  let counter = 0;
  const valid = new Map<string, number>(); // access token → expiresAt
  const refreshTokens = new Set<string>();
  const usedRefreshTokens = new Set<string>();
  const state = {
    tokenRequests: [] as RecordedRequest[],
    apiRequests: [] as RecordedRequest[],
    apiFaults: [] as OAuthServer['apiFaults'],
    tokenFaults: [] as OAuthServer['tokenFaults'],
    rejectAll: false,
    refreshTokenReuse: 0,
  };
  const server = await startTestServer(async (request, response) => {
    if (request.path.startsWith('/token')) {
      state.tokenRequests.push(request);
      if (settings.tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.tokenDelayMs));
      const fault = state.tokenFaults.shift();
      if (fault) return sendJson(response, fault.status, fault.body ?? {}, fault.headers);
      const body = JSON.parse(request.body || '{}') as Record<string, string>;
      if (body.client_id !== settings.clientId || body.client_secret !== settings.clientSecret) {
        return sendJson(response, 400, { error: 'invalid_client' });
      }
      if (body.grant_type === 'refresh_token') {
        const presented = body.refresh_token ?? '';
        if (usedRefreshTokens.has(presented)) state.refreshTokenReuse++;
        if (!refreshTokens.has(presented)) return sendJson(response, 400, { error: 'invalid_grant' });
        refreshTokens.delete(presented);
        usedRefreshTokens.add(presented);
      }
      counter++;
      const accessToken = `SECRET-access-${counter}`;
      valid.set(accessToken, Date.now() + settings.lifetimeSeconds * 1000);
      const refreshToken = settings.rotate ? `SECRET-refresh-${counter}` : undefined;
      if (refreshToken) refreshTokens.add(refreshToken);
      return sendJson(response, 200, {
        access_token: accessToken,
        expires_in: settings.lifetimeSeconds,
        token_type: 'bearer',
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      });
    }
    state.apiRequests.push(request);
    const fault = state.apiFaults.shift();
    if (fault) return sendJson(response, fault.status, fault.body ?? { error: 'fault' }, fault.headers);
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const expiresAt = valid.get(token);
    if (state.rejectAll || expiresAt === undefined || expiresAt <= Date.now()) {
      return sendJson(response, 401, { error: 'invalid_token' });
    }
    return sendJson(response, request.method === 'POST' ? 201 : 200, { ok: true, path: request.path, token });
  });
  return Object.assign(state, server, {
    options: settings,
    expireAll: () => {
      for (const key of valid.keys()) valid.set(key, 0);
    },
  }) as OAuthServer;
}
