/** `12 ms`, `1.04 s`: a measured duration for humans. */
export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  return `${(durationMs / 1000).toFixed(2)} s`;
}

/**
 * How long a token has left, rounded down so that it never promises more than it has: `expires in 59 min` for a
 * fresh one-hour token, `expires in 1 h 59 min` for a two-hour one, `expires in 3 s`.
 */
export function formatExpiry(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return 'no expiry stated (renewed when the API rejects it)';
  const remainingSeconds = Math.floor((expiresAt - now) / 1000);
  if (remainingSeconds <= 0) return 'expired';
  if (remainingSeconds < 120) return `expires in ${remainingSeconds} s`;
  const minutes = Math.floor(remainingSeconds / 60);
  if (minutes < 60) return `expires in ${minutes} min`;
  const rest = minutes % 60;
  return `expires in ${Math.floor(minutes / 60)} h${rest === 0 ? '' : ` ${rest} min`}`;
}
