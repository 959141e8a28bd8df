import { ConfigError, CredentialsError, type TokenSet } from '@auth/core';
import type { ProviderTools } from '@auth/core/provider';
import { parseMusementToken } from './parse-musement-token.js';
import { type MusementSettings, packageName } from './resolve-musement-settings.js';

/** The grants of Musement's `/api/v3/login`, each one login answered with a `TokenSet`. */
export interface MusementGrants {
  clientCredentials(): Promise<TokenSet>;
  password(username: string, password: string, signal?: AbortSignal): Promise<TokenSet>;
  /** Rejected (`CredentialsError`) when `current` carries no refresh token. */
  refresh(current: TokenSet): Promise<TokenSet>;
}

/**
 * Logs in at `/api/v3/login` with the token client the kit hands over. Retry, the "never retry bad credentials" rule,
 * caching and rotation are core's; this file only speaks Musement.
 */
export function createMusementGrants(
  settings: MusementSettings,
  { tokenClient, clock }: Pick<ProviderTools, 'tokenClient' | 'clock'>,
): MusementGrants {
  const { clientId, clientSecret, loginMethod } = settings;

  const login = async (parameters: Record<string, string>, signal?: AbortSignal): Promise<TokenSet> => {
    const options = signal ? { signal } : {};
    const request =
      loginMethod === 'GET'
        ? tokenClient.get('login', { ...options, searchParams: parameters })
        : tokenClient.post('login', { ...options, json: parameters });
    let response: Response;
    let text: string;
    try {
      response = await request;
      text = await response.text();
    } catch (error) {
      throw explainRejection(error, settings);
    }
    return parseMusementToken(text, {
      receivedAt: clock.now(),
      status: response.status,
      method: loginMethod,
      url: response.url,
    });
  };

  // Keys in the order the documentation shows them, so a GET login reads exactly like Musement's examples.
  const credentials = { client_id: clientId, client_secret: clientSecret };
  return {
    clientCredentials: () => login({ ...credentials, grant_type: 'client_credentials' }),
    password: (username, password, signal) =>
      login({ ...credentials, grant_type: 'password', username, password }, signal),
    refresh: async (current) => {
      if (current.refreshToken === undefined)
        throw new CredentialsError(`${packageName}: no refresh token to renew with.`);
      return login({ ...credentials, refresh_token: current.refreshToken, grant_type: 'refresh_token' });
    },
  };
}

/** Rejections that are not about the credentials but about our configuration become `ConfigError`s naming the option. */
function explainRejection(error: unknown, settings: MusementSettings): unknown {
  if (!CredentialsError.isInstance(error)) return error;
  if (error.reason === '2271') {
    return new ConfigError(
      `${packageName}: Musement refused the login for a missing or unknown X-Musement-Application header (code 2271). Check the application option or the MUSEMENT_APPLICATION environment variable.`,
      { option: 'application' },
    );
  }
  if (error.reason === '-1') {
    // Musement's generic code, sent for a header value it does not accept; bad credentials come as OAuth2 errors.
    const market = settings.headers['x-musement-market'] !== undefined;
    return new ConfigError(
      `${packageName}: Musement refused the login (code -1): it does not accept the X-Musement-Application value${market ? ' or the X-Musement-Market value' : ''}. Check the application${market ? ' and market options' : ' option'}.`,
      market ? {} : { option: 'application' },
    );
  }
  return error;
}
