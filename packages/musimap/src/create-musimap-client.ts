import type { TokenSet } from '@auth/core';
import { createProviderClient, manageTokens } from '@auth/core/provider';
import type { KyInstance, Options } from 'ky';
import { createMusimapTokenSource } from './create-musimap-token-source.js';
import { mapMusimapError } from './map-musimap-error.js';
import type { MusimapClientOptions } from './musimap-client-options.js';
import { packageName } from './package-name.js';
import { packageVersion } from './package-version.js';
import { type MusimapPaginateOptions, paginateMusimap } from './paginate-musimap.js';
import { resolveMusimapSettings } from './resolve-musimap-settings.js';
import { type MusimapResponse, unwrapEnvelope } from './unwrap-envelope.js';

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
  /**
   * Every item of a list endpoint (`limit`/`offset`, `total_size`), page after page, the envelope unwrapped; bounded by
   * `maxPages`, ended by a page served twice, and stopped by `signal`. See `MusimapPaginateOptions`.
   * @example for await (const tag of musimap.paginate<Tag>('lexicology/tags', { limit: 50 })) console.log(tag.name);
   */
  paginate<T = unknown>(path: string, options?: MusimapPaginateOptions): AsyncGenerator<T, void, undefined>;
  /** Forgets the cached token, here and in the store; the next call obtains a new one. */
  clearToken(): Promise<void>;
  /** Stops background renewals and waits for one in flight, e.g. before closing a shared store's connection. */
  close(): Promise<void>;
}

/**
 * A client for the Musimap Web API v2. Tokens come from `POST /oauth/access_tokens/client`; there is no refresh token,
 * so a new one is requested in the background before the current one expires, while the current one keeps serving.
 * Musimap's rate limit is per client id and counts token requests too: logins and calls share one `rateLimit`.
 *
 * @example
 * const musimap = createMusimapClient({ environment: 'production' }); // MUSIMAP_CLIENT_ID / MUSIMAP_CLIENT_SECRET
 * const { data: tags } = await musimap.getData('lexicology/tags');
 */
export function createMusimapClient(options: MusimapClientOptions = {}): MusimapClient {
  const settings = resolveMusimapSettings(options);
  const { baseUrl, clientId, environment } = settings;
  const client = createProviderClient({
    packageName,
    version: packageVersion,
    provider: 'musimap',
    options,
    apiUrl: baseUrl,
    secrets: [settings.clientSecret],
    ...(environment !== undefined && { logFields: { environment } }),
    // An error answer's envelope message goes into the ApiError's message.
    mapError: mapMusimapError,
    tokens: manageTokens({
      url: baseUrl,
      key: { baseUrl, clientId, ...(environment !== undefined && { environment }) },
      source: (tools) => createMusimapTokenSource(settings, tools),
    }),
  });
  return {
    api: client.api,
    getToken: client.getToken as () => Promise<TokenSet>,
    getData: async <T>(path: string, requestOptions?: Options) =>
      unwrapEnvelope<T>(await client.api(path, requestOptions).json()),
    paginate: <T>(path: string, paginateOptions?: MusimapPaginateOptions) =>
      paginateMusimap<T>(client.api, path, paginateOptions),
    clearToken: client.clearToken,
    close: client.close,
  };
}
