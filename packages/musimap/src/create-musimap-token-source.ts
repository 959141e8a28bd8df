import type { TokenSource } from '@auth/core';
import type { ProviderTools } from '@auth/core/provider';
import { parseMusimapToken } from './parse-musimap-token.js';
import type { MusimapSettings } from './resolve-musimap-settings.js';

const tokenPath = 'oauth/access_tokens/client';

/**
 * Client tokens from `POST /oauth/access_tokens/client`. There is no refresh token: core obtains a new one ahead of
 * expiry while the current one keeps serving.
 */
export function createMusimapTokenSource(
  { baseUrl, clientId, clientSecret }: MusimapSettings,
  { tokenClient, clock, logger, logFields }: ProviderTools,
): TokenSource {
  const url = `${baseUrl}/${tokenPath}`;
  return {
    async obtain() {
      const response = await tokenClient.post(tokenPath, {
        json: { client_id: clientId, client_secret: clientSecret },
      });
      const receivedAt = clock.now();
      const token = parseMusimapToken(await response.json(), { receivedAt, status: response.status, url });
      if (token.expiresAt === undefined) {
        logger.warn(
          { ...logFields, event: 'token.no_expiry' },
          'the token response carries no expiry; the token will be renewed when the API rejects it',
        );
      }
      return token;
    },
  };
}
