import type { KyInstance } from 'ky';
import { type Clock, systemClock } from './clock.js';
import type { ProviderKit } from './create-provider-client.js';
import { createTokenClient } from './create-token-client.js';
import { createTokenKey, type TokenKeyParts } from './create-token-key.js';
import { type Logger, silentLogger } from './logger.js';
import { pickTokenLifecycleOptions } from './pick-token-lifecycle-options.js';
import { TokenManager } from './token-manager.js';
import type { TokenSource } from './token-source.js';

/** What a token source is built with: the token endpoint's client and the client's clock and logger. */
export interface ProviderTools {
  /** A ky instance on `url`: never follows a redirect, 64 KiB answers, 400/401/403 as `CredentialsError`. */
  tokenClient: KyInstance;
  clock: Clock;
  /** The caller's logger (scrubbing known secrets), or a silent one. */
  logger: Logger;
  /** Fields every record of this client carries: package, provider and the provider's own. */
  logFields: Record<string, unknown>;
}

/** A provider whose tokens come from a token endpoint. */
export interface ProviderLogin {
  /** The URL token paths are appended to (no trailing slash). */
  url: string;
  /** What separates this client's tokens in a shared store (the provider name is added). */
  key: Omit<TokenKeyParts, 'provider'>;
  /** How to obtain (and renew) a token; core runs the lifecycle around it. */
  source(tools: ProviderTools): TokenSource;
}

/**
 * Tokens from a token endpoint, under core's lifecycle (cache, single-flight, refresh ahead, 401 replay, rotation,
 * fleet lease), for `createProviderClient`'s `tokens`. Kept apart from the kit so that a provider with static keys
 * does not carry the lifecycle in its bundle.
 */
export function manageTokens(login: ProviderLogin): (kit: ProviderKit) => TokenManager {
  return ({ packageName, provider, options, tokenHttp, secrets, logFields }) => {
    const tokenClient = createTokenClient({ ...tokenHttp, prefix: login.url });
    const clock = options.clock ?? systemClock;
    const logger = options.logger ? secrets.wrapLogger(options.logger) : silentLogger;
    return new TokenManager({
      ...pickTokenLifecycleOptions(options),
      key: createTokenKey({ provider, ...login.key }),
      packageName,
      logFields,
      secrets,
      clock,
      ...(options.logger && { logger: options.logger }),
      ...(options.telemetry && { telemetry: options.telemetry }),
      ...(options.onEvent && { onEvent: options.onEvent }),
      source: login.source({ tokenClient, clock, logger, logFields: { package: packageName, ...logFields } }),
    });
  };
}
