import type { TokenRegistry } from '../shared/create-token-registry.js';
import type { EmulatorExchange } from '../shared/emulator-exchange.js';
import { musementToken } from './musement-token.js';
import type { MusementEmulatorClient, MusementGrant } from './musement-types.js';
import type { MusementUserDirectory } from './musement-user-directory.js';

export interface MusementLoginState {
  clients: readonly MusementEmulatorClient[];
  users: MusementUserDirectory;
  accessTokens: TokenRegistry<MusementGrant>;
  refreshTokens: TokenRegistry<MusementGrant>;
  lifetimeSeconds: number;
  /** Called with every refresh token issued, newest last. */
  onRefreshTokenIssued(token: string, grant: MusementGrant): void;
}

// OAuth2 token responses must not be cached (RFC 6749 §5.1).
const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
const supportedGrants = new Set(['client_credentials', 'password', 'refresh_token']);

const oauthError = (exchange: EmulatorExchange, error: string, description: string) =>
  exchange.sendJson(400, { error, error_description: description }, noStore);

/** The login parameters: the query string for GET (as the seed shows), the JSON or form body for POST. */
export function loginParameters(exchange: EmulatorExchange): Record<string, string> {
  if (exchange.method === 'GET') return exchange.query;
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(exchange.bodyFields())) {
    if (typeof value === 'string' || typeof value === 'number') parameters[name] = String(value);
  }
  return parameters;
}

/** `GET|POST /api/v3/login` with the client_credentials, password and refresh_token grants. */
export function handleMusementLogin(exchange: EmulatorExchange, state: MusementLoginState) {
  if (exchange.method !== 'GET' && exchange.method !== 'POST') {
    return exchange.sendJson(405, { code: '-1', message: `Method ${exchange.method} not allowed on /login` });
  }
  if (exchange.invalidJsonBody) return oauthError(exchange, 'invalid_request', 'The request body is not valid JSON');
  const parameters = loginParameters(exchange);
  const grantType = parameters.grant_type;
  if (!grantType) return oauthError(exchange, 'invalid_request', 'Invalid grant_type parameter or parameter missing');
  if (!supportedGrants.has(grantType)) {
    return oauthError(exchange, 'unsupported_grant_type', 'Invalid grant_type parameter or parameter missing');
  }
  const client = state.clients.find(
    (candidate) => candidate.clientId === parameters.client_id && candidate.clientSecret === parameters.client_secret,
  );
  if (!client) return oauthError(exchange, 'invalid_client', 'The client credentials are invalid');

  const issue = (grant: MusementGrant) => {
    const accessToken = state.accessTokens.issue(grant, musementToken()).token;
    if (!grant.user) {
      return exchange.sendJson(
        200,
        { access_token: accessToken, expires_in: state.lifetimeSeconds, token_type: 'bearer', scope: null },
        noStore,
      );
    }
    const refreshToken = state.refreshTokens.issue(grant, musementToken()).token;
    state.onRefreshTokenIssued(refreshToken, grant);
    exchange.sendJson(
      200,
      {
        access_token: accessToken,
        expires_in: state.lifetimeSeconds,
        token_type: 'bearer',
        scope: 'user, password',
        refresh_token: refreshToken,
      },
      noStore,
    );
  };

  if (grantType === 'client_credentials') return issue({ clientId: client.clientId, grant: 'client_credentials' });

  if (grantType === 'password') {
    if (!parameters.username || !parameters.password) {
      return oauthError(exchange, 'invalid_request', 'Missing parameters. "username" and "password" required');
    }
    const user = state.users.find(parameters.username, parameters.password);
    if (!user) return oauthError(exchange, 'invalid_grant', 'Invalid username and password combination');
    return issue({ clientId: client.clientId, grant: 'password', user });
  }

  // refresh_token
  const presented = parameters.refresh_token;
  if (!presented) return oauthError(exchange, 'invalid_request', 'No "refresh_token" parameter found');
  const check = state.refreshTokens.check(presented);
  if (check.status === 'rotated') {
    // A rotated token is gone on the real server too; the counter lets tests catch clients that re-use one.
    exchange.counters.refreshTokenReuse += 1;
    return oauthError(exchange, 'invalid_grant', 'Invalid refresh token');
  }
  if (check.status === 'expired') return oauthError(exchange, 'invalid_grant', 'Refresh token has expired');
  if (check.status !== 'valid' || !check.record || check.record.data.clientId !== client.clientId) {
    return oauthError(exchange, 'invalid_grant', 'Invalid refresh token');
  }
  state.refreshTokens.markRotated(presented);
  issue({ clientId: client.clientId, grant: 'refresh_token', user: check.record.data.user });
}
