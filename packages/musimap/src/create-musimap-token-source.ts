import { CredentialsError, type TokenSource } from '@auth/core';
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
      const response = await tokenClient
        .post(tokenPath, { json: { client_id: clientId, client_secret: clientSecret } })
        .catch((error: unknown) => {
          throw withReason(error);
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

/**
 * Musimap refuses credentials with a message, not an OAuth2 code: name the refusal the way the other providers'
 * codes do, so that code can branch on `reason` alike (401 `invalid_client`, 400 `invalid_request`).
 */
function withReason(error: unknown): unknown {
  if (!CredentialsError.isInstance(error) || error.reason !== undefined) return error;
  const reason = error.status === 401 || error.status === 403 ? 'invalid_client' : 'invalid_request';
  return new CredentialsError(error.message.replace(/\)\.$/, ` ${reason}).`), {
    reason,
    ...(error.status !== undefined && { status: error.status }),
  });
}
