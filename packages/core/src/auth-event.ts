/** Why a renewal ran: no token yet, the token expired, ahead of expiry, or the API rejected the token (401). */
export type RenewReason = 'missing' | 'expired' | 'ahead' | 'rejected';

/**
 * The token lifecycle as typed events, for code that wires metrics or alerts without OpenTelemetry: the same moments
 * (and `type` names) as the `event` field of the log records. Never a secret: a token appears only as its fingerprint
 * (the first 12 hex characters of its SHA-256).
 */
export type AuthEvent =
  | {
      type: 'token.renewed';
      reason: RenewReason;
      /** `refresh` when a refresh token was used, `obtain` for a login with the configured grant. */
      grant: 'refresh' | 'obtain';
      fingerprint: string;
      /** Epoch ms; undefined when the provider said nothing of an expiry. */
      expiresAt: number | undefined;
      durationMs: number;
    }
  | { type: 'token.loaded'; reason: RenewReason; fingerprint: string }
  | { type: 'token.refresh_failed'; error: string; retryInMs: number }
  | { type: 'token.refresh_rejected'; reason: string | undefined }
  | { type: 'token.rejected'; fingerprint: string }
  | { type: 'token.renewal_no_progress'; reason: RenewReason; fingerprint: string }
  | { type: 'session.ended'; reason: string | undefined }
  | { type: 'store.unavailable'; operation: string; error: string }
  | { type: 'store.recovered' }
  | { type: 'store.invalid_record'; problem: string | undefined }
  | { type: 'lease.lost' }
  | { type: 'rate_limit.paused'; untilEpochMs: number };

/** Receives every `AuthEvent` of a client, with the client's `package` and `provider`. Its exceptions are ignored. */
export type AuthEventListener = (event: AuthEvent & { package: string; provider?: string }) => void;

/** `listener` guarded: an exception thrown by it never breaks a call. */
export function emitEvent(
  listener: AuthEventListener | undefined,
  event: AuthEvent,
  fields: { package: string; provider?: string },
): void {
  if (listener === undefined) return;
  try {
    listener({ ...event, ...fields });
  } catch {
    // The listener's own failure; the lifecycle goes on.
  }
}
