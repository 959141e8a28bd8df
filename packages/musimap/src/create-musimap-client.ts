import {
  assertSafeBaseUrl,
  assertServerRuntime,
  createAuthClient,
  createSecretScrubber,
  createTokenClient,
  createTokenKey,
  type HttpOptions,
  loadRequiredSetting,
  loadSetting,
  pickHttpOptions,
  pickTokenLifecycleOptions,
  redactUrl,
  resolveRateLimiter,
  systemClock,
  type TokenLifecycleOptions,
  TokenManager,
  type TokenSet,
} from '@auth/core';
import type { KyInstance, Options } from 'ky';
import { packageName } from './package-name.js';
import { parseMusimapToken } from './parse-musimap-token.js';
import { type MusimapResponse, unwrap } from './unwrap.js';

/** The production Web API v2. */
export const defaultMusimapBaseUrl = 'https://api-v2.musimap.io';

const tokenPath = 'oauth/access_tokens/client';

export interface MusimapClientOptions extends HttpOptions, TokenLifecycleOptions {
  /**
   * The Web API root; every `api` path is appended to it.
   * @default 'https://api-v2.musimap.io'
   */
  baseUrl?: string;
  /** The client id from the Musimap portal. @default process.env.MUSIMAP_CLIENT_ID */
  clientId?: string;
  /** The client secret from the Musimap portal. Never logged. @default process.env.MUSIMAP_CLIENT_SECRET */
  clientSecret?: string;
  /**
   * A label for the stage this client serves (`dev`, `staging`, `production` or any string). Musimap advises one
   * client per application and environment; the label separates their tokens in a shared `store` and is added to
   * every log record.
   * @default none
   */
  environment?: string;
  /** Allow running where `window` and `document` exist: the secret would be visible to every visitor. @default false */
  dangerouslyAllowBrowser?: boolean;
}

export interface MusimapClient {
  /** A ky instance on `<baseUrl>/` that sends the current token, renews it ahead of expiry and retries. */
  api: KyInstance;
  /** The current token, obtaining one when none is usable. */
  getToken(): Promise<TokenSet>;
  /**
   * Calls `path` (GET unless `options.method` says otherwise) and unwraps the response envelope.
   * @example const { data, totalSize } = await client.getData<Tag[]>('lexicology/tags');
   */
  getData<T = unknown>(path: string, options?: Options): Promise<MusimapResponse<T>>;
  /** Forgets the cached token, here and in the store; the next call obtains a new one. */
  clearToken(): Promise<void>;
  /** Stops background renewals and waits for one in flight, e.g. before closing a shared store's connection. */
  close(): Promise<void>;
}

/**
 * A client for the Musimap Web API v2. Tokens come from `POST /oauth/access_tokens/client`; there is no refresh token,
 * so a new one is requested in the background before the current one expires, while the current one keeps serving.
 *
 * @example
 * const musimap = createMusimapClient({ environment: 'production' }); // MUSIMAP_CLIENT_ID / MUSIMAP_CLIENT_SECRET
 * const { data: tags } = await musimap.getData('lexicology/tags');
 */
export function createMusimapClient(options: MusimapClientOptions = {}): MusimapClient {
  assertServerRuntime(packageName, options.dangerouslyAllowBrowser);
  const clientId = loadRequiredSetting({
    value: options.clientId,
    option: 'clientId',
    environmentVariable: 'MUSIMAP_CLIENT_ID',
    packageName,
  });
  const clientSecret = loadRequiredSetting({
    value: options.clientSecret,
    option: 'clientSecret',
    environmentVariable: 'MUSIMAP_CLIENT_SECRET',
    packageName,
  });
  const environment = loadSetting({ value: options.environment, option: 'environment', packageName });
  const baseUrl = assertSafeBaseUrl(options.baseUrl ?? defaultMusimapBaseUrl, {
    packageName,
    allowInsecureHttp: options.allowInsecureHttp ?? false,
  });
  const clock = options.clock ?? systemClock;
  const logFields = { provider: 'musimap', ...(environment === undefined ? {} : { environment }) };
  const http = pickHttpOptions(options);
  const { logger } = http;
  // Musimap's limit is per client id and counts token requests too: one budget for both clients.
  if (http.rateLimit !== undefined) http.rateLimit = resolveRateLimiter(http.rateLimit, packageName);

  const secrets = createSecretScrubber([clientSecret]);
  const tokenClient = createTokenClient({ ...http, prefix: baseUrl, packageName, logFields, secrets });
  const tokenUrl = redactUrl(`${baseUrl}/${tokenPath}`);
  const tokens = new TokenManager({
    key: createTokenKey({
      provider: 'musimap',
      baseUrl,
      clientId,
      ...(environment === undefined ? {} : { environment }),
    }),
    packageName,
    ...pickTokenLifecycleOptions(options),
    clock,
    ...(logger ? { logger } : {}),
    logFields,
    secrets,
    source: {
      async obtain() {
        const response = await tokenClient.post(tokenPath, {
          json: { client_id: clientId, client_secret: clientSecret },
        });
        const receivedAt = clock.now();
        const token = parseMusimapToken(await response.json(), { receivedAt, status: response.status, url: tokenUrl });
        if (token.expiresAt === undefined) {
          logger?.warn(
            { ...logFields, package: packageName, event: 'token.no_expiry' },
            'the token response carries no expiry; the token will be renewed when the API rejects it',
          );
        }
        return token;
      },
    },
  });

  const api = createAuthClient({ ...http, prefix: baseUrl, tokens, packageName, logFields, secrets });

  return {
    api,
    getToken: () => tokens.getToken(),
    getData: async <T>(path: string, requestOptions?: Options) => unwrap<T>(await api(path, requestOptions).json()),
    clearToken: () => tokens.clear(),
    close: () => tokens.close(),
  };
}
