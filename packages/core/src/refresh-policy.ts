/** When a token is renewed ahead of its expiry. The window scales with the token's lifetime. */
export interface RefreshPolicy {
  /** Share of the lifetime renewed ahead of expiry. @default 0.2 */
  ratio?: number;
  /** Lower clamp of the window, in ms. @default 30_000 */
  minWindowMs?: number;
  /** Upper clamp of the window, in ms. @default 300_000 */
  maxWindowMs?: number;
  /** Up to this share of the window is randomly given back, so a fleet does not renew in lockstep. @default 0.1 */
  jitterRatio?: number;
}

export const defaultRefreshPolicy: Required<RefreshPolicy> = Object.freeze({
  ratio: 0.2,
  minWindowMs: 30_000,
  maxWindowMs: 300_000,
  jitterRatio: 0.1,
});

/**
 * The moment (epoch ms) to start renewing a token issued at `issuedAt` that expires at `expiresAt`:
 * `ratio` of the lifetime, clamped to [minWindowMs, maxWindowMs], never more than half the lifetime, minus jitter.
 * A 3 s token is renewed after ~1.5 s; a 2 h token 5 min before it expires.
 */
export function computeRefreshAt(
  issuedAt: number,
  expiresAt: number,
  policy: Required<RefreshPolicy> = defaultRefreshPolicy,
  random: () => number = Math.random,
): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  const clamped = Math.min(Math.max(lifetime * policy.ratio, policy.minWindowMs), policy.maxWindowMs);
  const window = Math.min(clamped, lifetime / 2);
  return expiresAt - window + window * policy.jitterRatio * random();
}
