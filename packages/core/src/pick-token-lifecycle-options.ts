import type { TokenManagerOptions } from './token-manager-options.js';

/** The token-lifecycle options a provider passes through to its `TokenManager`. */
export type TokenLifecycleOptions = Pick<
  TokenManagerOptions,
  'store' | 'clock' | 'refreshPolicy' | 'leaseTtlMs' | 'leasePollMs'
>;

const lifecycleOptionNames = ['store', 'clock', 'refreshPolicy', 'leaseTtlMs', 'leasePollMs'] as const;

/** The `TokenLifecycleOptions` a provider's options carry, without undefined values. */
export function pickTokenLifecycleOptions(options: TokenLifecycleOptions): TokenLifecycleOptions {
  const picked: Record<string, unknown> = {};
  for (const name of lifecycleOptionNames) {
    if (options[name] !== undefined) picked[name] = options[name];
  }
  return picked as TokenLifecycleOptions;
}
