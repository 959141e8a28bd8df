import { abortable } from './abortable.js';
import { type AuthEvent, type AuthEventListener, emitEvent, type RenewReason } from './auth-event.js';
import { boundStore } from './bound-store.js';
import { type Clock, systemClock } from './clock.js';
import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';
import { isSessionTokenSource } from './create-session-token-source.js';
import { AuthError } from './errors/auth-error.js';
import { CredentialsError } from './errors/credentials-error.js';
import { fingerprintToken } from './fingerprint-token.js';
import { guardInstrumentation, type Instrumentation, type RenewalEnd } from './instrumentation.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { describeInvalidTokenSet, parseTokenSet } from './parse-token-set.js';
import { computeRefreshAt, defaultRefreshPolicy, type RefreshPolicy } from './refresh-policy.js';
import { renewUnderLease } from './renew-under-lease.js';
import { findRenewal, registerRenewal } from './renewal-registry.js';
import { type TokenManagerOptions, validateTokenManagerOptions } from './token-manager-options.js';
import type { TokenSet } from './token-set.js';
import type { AccessTokenProvider, TokenRequestOptions, TokenSource } from './token-source.js';
import { isLeasingTokenStore, type TokenStore } from './token-store.js';

interface Entry {
  token: TokenSet;
  /** Obtained while a shared store was unreachable: this process alone holds it (and its refresh token). */
  local: boolean;
  /**
   * Epoch ms after which a background renewal starts; Infinity when the token has no known expiry, or when renewing
   * it made no progress (the server handed back the same token or no later expiry: renewing again would only storm).
   */
  refreshAt: number;
}

const minBackgroundRetryMs = 1_000;

/**
 * The token lifecycle, once for every provider: cache, single-flight renewal, refresh ahead of expiry in the
 * background, replacement of rejected tokens, rotation written to the store before use.
 */
export class TokenManager implements AccessTokenProvider {
  readonly key: string;
  readonly #source: TokenSource;
  readonly #store: TokenStore;
  /** The store object the caller passed: the clients sharing it share one renewal per key in this process. */
  readonly #sharedStore: TokenStore;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #policy: Required<RefreshPolicy>;
  readonly #random: () => number;
  readonly #packageName: string;
  #entry: Entry | undefined;
  #inflight: Promise<TokenSet> | undefined;
  /** No background renewal before this time (set after a failed one). */
  #backgroundRetryAt = 0;
  #backgroundFailures = 0;
  #storeFailing = false;
  #closed = false;
  readonly #leaseTtlMs: number;
  readonly #leasePollMs: number;
  readonly #fields: Record<string, unknown>;
  readonly #secrets: SecretScrubber;
  /** The no-progress warning is logged once per token. */
  #stalledToken: string | undefined;
  /** An invalid stored record is reported once, until a renewal writes over it. */
  #invalidRecordReported = false;
  readonly #onEvent: AuthEventListener | undefined;
  readonly #telemetry: Instrumentation | undefined;
  /** How the renewal in flight got its token, for its span. */
  #grant: RenewalEnd['grant'];
  #leaseWaitMs: number | undefined;

  constructor(options: TokenManagerOptions) {
    validateTokenManagerOptions(options);
    this.key = options.key;
    this.#source = options.source;
    this.#packageName = options.packageName ?? '@auth/core';
    this.#sharedStore = options.store ?? new MemoryTokenStore();
    // A store that does not answer in time counts as down: the manager never hangs on it.
    this.#store = boundStore(this.#sharedStore, options.storeTimeoutMs ?? 5_000, this.#packageName);
    this.#secrets = options.secrets ?? createSecretScrubber();
    this.#logger = options.logger === undefined ? silentLogger : this.#secrets.wrapLogger(options.logger);
    this.#clock = options.clock ?? systemClock;
    this.#policy = { ...defaultRefreshPolicy, ...options.refreshPolicy };
    this.#random = options.random ?? Math.random;
    this.#leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.#leasePollMs = options.leasePollMs ?? 100;
    this.#fields = { package: this.#packageName, ...options.logFields };
    this.#onEvent = options.onEvent;
    this.#telemetry = options.telemetry && guardInstrumentation(options.telemetry);
  }

  /** One lifecycle moment: a log record at `level` (its `event` field is the type) and the same typed event. */
  #report(level: keyof Logger, event: AuthEvent, message: string, extra: Record<string, unknown> = {}): void {
    const { type, ...fields } = event;
    this.#logger[level]({ ...this.#fields, event: type, ...fields, ...extra }, message);
    emitEvent(this.#onEvent, event, this.#fields as { package: string; provider?: string });
  }

  /**
   * The current token. Waits only when there is no usable one; a token inside its refresh window is returned at once
   * while a renewal runs in the background.
   */
  async getToken(options?: TokenRequestOptions): Promise<TokenSet> {
    const entry = this.#entry;
    if (entry === undefined) {
      // A token adopted from the store may already be inside its refresh window (a client made per request).
      return this.#wait(this.#renew('missing'), options).then((token) => {
        this.#renewAheadIfDue(this.#clock.now());
        return token;
      });
    }
    const now = this.#clock.now();
    if (!isUsable(entry.token, now)) return this.#wait(this.#renew('expired'), options);
    this.#renewAheadIfDue(now);
    return entry.token;
  }

  #renewAheadIfDue(now: number): void {
    const entry = this.#entry;
    if (entry === undefined || now < entry.refreshAt || this.#inflight !== undefined) return;
    if (now >= this.#backgroundRetryAt && !this.#closed) this.#renewInBackground();
  }

  async invalidate(rejected: TokenSet, options?: TokenRequestOptions): Promise<TokenSet | undefined> {
    const current = this.#entry?.token;
    // Someone already replaced the rejected token: use theirs, do not renew again.
    if (current !== undefined && current.accessToken !== rejected.accessToken && isUsable(current, this.#clock.now())) {
      return current;
    }
    return this.#wait(this.#inflight ?? this.#renew('rejected', rejected), options);
  }

  /** One caller's wait for shared work: its abort ends only its own wait; errors reach it scrubbed of secrets. */
  #wait(work: Promise<TokenSet>, options: TokenRequestOptions | undefined): Promise<TokenSet> {
    return abortable(work, options?.signal).catch((error: unknown) => {
      throw this.#secrets.scrubError(error);
    });
  }

  /** The cached token without any I/O, or undefined. */
  peek(): TokenSet | undefined {
    return this.#entry?.token;
  }

  /**
   * Makes `token` the current one, here and in the store, whatever was there: a session started by a login done
   * outside the lifecycle (a customer's password, used once). Checked like a token source's answer and written to the
   * store before it is served; a renewal of the key in flight in this process ends first, so it cannot overwrite it.
   */
  async replace(token: TokenSet): Promise<TokenSet> {
    await findRenewal(this.#sharedStore, this.key)?.catch(() => undefined);
    const checked = this.#validate(token);
    this.#secrets.add(checked.accessToken, checked.refreshToken);
    const shared = await this.#writeStore(checked);
    this.#setEntry(checked, !shared);
    return checked;
  }

  /**
   * Forgets the token here and in the store (e.g. on logout), after a renewal of the key in flight in this process,
   * which would otherwise store its result again. A store that cannot be reached is logged, not thrown.
   */
  async clear(): Promise<void> {
    this.#entry = undefined;
    await findRenewal(this.#sharedStore, this.key)?.catch(() => undefined);
    this.#entry = undefined;
    try {
      await this.#store.delete(this.key);
    } catch (error) {
      this.#storeFailed(error, 'delete');
    }
  }

  /**
   * Stops renewing in the background and waits for a renewal in flight, e.g. before closing the store's connection or
   * exiting. Tokens are still served (and renewed when none is usable) afterwards.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#inflight?.catch(() => undefined);
  }

  #renew(reason: RenewReason, rejected?: TokenSet): Promise<TokenSet> {
    this.#inflight ??= this.#renewOnce(reason, rejected).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /**
   * One renewal per key in this process, whatever the number of clients sharing the store object: the first renews
   * (under the fleet lease with a leasing store), the others wait for its result and take it when it is good enough
   * for their reason; otherwise they renew in turn. Registered synchronously, so a burst of calls finds it at once.
   */
  async #renewOnce(reason: RenewReason, rejected: TokenSet | undefined): Promise<TokenSet> {
    for (;;) {
      const running = findRenewal(this.#sharedStore, this.key);
      if (running === undefined) {
        return registerRenewal(this.#sharedStore, this.key, this.#traced(reason, rejected));
      }
      // A caller without a token takes a usable stored one rather than wait for a renewal it does not need.
      if (reason === 'missing') {
        const adopted = await this.#adoptStored(reason, rejected);
        if (adopted.token) return adopted.token;
      }
      const token = await running;
      if (this.#takeShared(token, reason, rejected)) return token;
    }
  }

  /** Uses the result of another client's renewal unless it is the token this one needs replaced. */
  #takeShared(token: TokenSet, reason: RenewReason, rejected: TokenSet | undefined): boolean {
    const previous = this.#entry?.token;
    if (!isUsable(token, this.#clock.now())) return false;
    if (rejected !== undefined && token.accessToken === rejected.accessToken) return false;
    if (previous !== undefined && token.accessToken === previous.accessToken) return false;
    this.#secrets.add(token.accessToken, token.refreshToken);
    this.#setEntry(token);
    if (previous !== undefined && madeNoProgress(previous, token)) this.#stopRenewingAhead(token, reason);
    return true;
  }

  /** The renewal this client performs, as one `auth.token.renew` span when instrumented. */
  async #traced(reason: RenewReason, rejected: TokenSet | undefined): Promise<TokenSet> {
    const telemetry = this.#telemetry;
    if (telemetry === undefined) return this.#performRenewal(reason, rejected);
    this.#grant = undefined;
    this.#leaseWaitMs = undefined;
    const scope = telemetry.renewal({ provider: this.#fields.provider as string | undefined, reason });
    try {
      const token = await scope.run(() => this.#performRenewal(reason, rejected));
      // Set while the renewal ran (TypeScript cannot see that through the await).
      const grant = this.#grant as RenewalEnd['grant'];
      const leaseWaitMs = this.#leaseWaitMs as number | undefined;
      scope.end({
        outcome: 'success',
        ...(grant && { grant }),
        ...(leaseWaitMs !== undefined && { leaseWaitMs }),
        tokenFingerprint: fingerprintToken(token.accessToken),
      });
      return token;
    } catch (error) {
      scope.end({ outcome: 'failure', error: error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  }

  #renewInBackground(): void {
    this.#renew('ahead').then(
      () => {
        this.#backgroundFailures = 0;
        this.#backgroundRetryAt = 0;
      },
      (error: unknown) => {
        this.#backgroundFailures += 1;
        const now = this.#clock.now();
        const remaining = (this.#entry?.token.expiresAt ?? now) - now;
        // Back off, but leave room for more attempts before the current token really expires.
        const waitMs = Math.max(minBackgroundRetryMs, Math.min(2 ** this.#backgroundFailures * 1000, remaining / 4));
        this.#backgroundRetryAt = now + waitMs;
        this.#report(
          'warn',
          { type: 'token.refresh_failed', error: describeError(error), retryInMs: waitMs },
          'background token renewal failed; the current token keeps serving until it expires',
        );
      },
    );
  }

  async #performRenewal(reason: RenewReason, rejected: TokenSet | undefined): Promise<TokenSet> {
    const started = this.#clock.now();
    const renewHere = async () => {
      const adopted = await this.#adoptStored(reason, rejected);
      return adopted.token ?? this.#renewFromSource(reason, adopted.stored, started);
    };
    const store = this.#store;
    if (!isLeasingTokenStore(store)) return renewHere();
    // One renewal per fleet: the lease holder renews, the others wait for its result in the store.
    const leaseStarted = performance.now();
    const waited = () => {
      this.#leaseWaitMs = Math.round((performance.now() - leaseStarted) * 10) / 10;
    };
    const token = await renewUnderLease({
      store,
      key: this.key,
      ttlMs: this.#leaseTtlMs,
      pollMs: this.#leasePollMs,
      random: this.#random,
      adopt: async () => {
        const adopted = (await this.#adoptStored(reason, rejected)).token;
        if (adopted) waited();
        return adopted;
      },
      renew: () => {
        waited();
        return renewHere();
      },
      onLeaseLost: () =>
        this.#report(
          'warn',
          { type: 'lease.lost' },
          'the renewal lease was lost before the renewal finished; another process may renew too',
        ),
      onStoreFailure: (error) => this.#storeFailed(error, 'lease'),
    });
    // Undefined: the store is down, or the holder took too long: renew for this process alone.
    return token ?? renewHere();
  }

  /** Uses a token another client or process already stored, when it is good enough for `reason`. */
  async #adoptStored(
    reason: RenewReason,
    rejected: TokenSet | undefined,
  ): Promise<{ token?: TokenSet; stored: TokenSet | undefined }> {
    const stored = await this.#readStore();
    if (stored === undefined || !this.#adoptable(stored, reason, rejected, this.#entry?.token)) return { stored };
    this.#setEntry(stored);
    this.#grant = 'adopted';
    this.#report(
      'debug',
      { type: 'token.loaded', reason, fingerprint: fingerprintToken(stored.accessToken) },
      'using the stored token',
    );
    return { token: stored, stored };
  }

  async #renewFromSource(reason: RenewReason, stored: TokenSet | undefined, started: number): Promise<TokenSet> {
    // With a shared store down, the refresh token we hold is shared with the fleet: refreshing it here would replay a
    // token another process may already have rotated. Only a token this process obtained alone is refreshed.
    const isolated = this.#storeFailing && isLeasingTokenStore(this.#store);
    const base = isolated ? (this.#entry?.local ? this.#entry.token : undefined) : newest(stored, this.#entry?.token);
    const session = isSessionTokenSource(this.#source);
    if (session && base === undefined && isolated) {
      throw new AuthError(
        `${this.#packageName}: the token store is unavailable; the stored session cannot be renewed until it is back.`,
      );
    }
    // A session lives in the store: gone from it (a logout elsewhere), it is over here too.
    if (session && stored === undefined && !this.#storeFailing && !this.#entry?.local) {
      this.#entry = undefined;
      return this.#source.obtain();
    }
    let next: TokenSet;
    let how: 'refresh' | 'obtain' = 'obtain';
    if (base?.refreshToken !== undefined && this.#source.refresh !== undefined) {
      try {
        how = 'refresh';
        next = await this.#source.refresh(base);
      } catch (error) {
        if (!CredentialsError.isInstance(error)) throw error;
        // No credentials to log in again with: a dead refresh token ends the session.
        if (session) throw await this.#endSession(base, error);
        this.#report(
          'debug',
          { type: 'token.refresh_rejected', reason: error.reason },
          'refresh token rejected; obtaining a new token with the configured grant',
        );
        how = 'obtain';
        next = await this.#source.obtain();
      }
    } else {
      next = await this.#source.obtain();
    }

    const token = this.#validate(next);
    this.#secrets.add(token.accessToken, token.refreshToken);
    const previous = this.#entry?.token;
    // Rotation: persist before anything uses the new token, so a crash cannot lose the new refresh token.
    const shared = await this.#writeStore(token);
    this.#setEntry(token, !shared);
    if (previous !== undefined && madeNoProgress(previous, token)) this.#stopRenewingAhead(token, reason);
    this.#grant = how;
    this.#report(
      'debug',
      {
        type: 'token.renewed',
        reason,
        grant: how,
        fingerprint: fingerprintToken(token.accessToken),
        expiresAt: token.expiresAt,
        durationMs: this.#clock.now() - started,
      },
      `token renewed (${reason})`,
      { expiresInMs: token.expiresAt === undefined ? undefined : token.expiresAt - this.#clock.now() },
    );
    return token;
  }

  /**
   * The refresh token of a session was rejected. With `invalid_grant` (expired, revoked) the session is over: the
   * record is deleted unless something newer replaced it meanwhile (a new login). Any other rejection (the client's
   * own credentials) leaves the session stored.
   */
  async #endSession(base: TokenSet, error: CredentialsError): Promise<CredentialsError> {
    if (error.reason !== 'invalid_grant') return error;
    this.#entry = undefined;
    const stored = await this.#readStore();
    if (stored === undefined || stored.refreshToken === base.refreshToken) {
      try {
        await this.#store.delete(this.key);
      } catch (deleteError) {
        this.#storeFailed(deleteError, 'delete');
      }
    }
    this.#report(
      'info',
      { type: 'session.ended', reason: error.reason },
      'the refresh token was rejected: the session has ended and is deleted from the store',
    );
    return new CredentialsError(
      `${this.#packageName}: the session has ended: its refresh token was rejected (invalid_grant). Log in again.`,
      { reason: 'invalid_grant', ...(error.status !== undefined && { status: error.status }) },
    );
  }

  #adoptable(stored: TokenSet, reason: RenewReason, rejected: TokenSet | undefined, known: TokenSet | undefined) {
    const now = this.#clock.now();
    if (!isUsable(stored, now)) return false;
    if (rejected !== undefined && stored.accessToken === rejected.accessToken) return false;
    if (reason === 'missing') return true;
    if (known !== undefined && stored.accessToken === known.accessToken) return false;
    // A token another process renewed recently enough to be outside its own refresh window.
    return now < this.#refreshAt(stored);
  }

  #setEntry(token: TokenSet, local = false): void {
    this.#entry = { token, refreshAt: this.#refreshAt(token), local };
  }

  #refreshAt(token: TokenSet): number {
    if (token.expiresAt === undefined) return Number.POSITIVE_INFINITY;
    return computeRefreshAt(token.issuedAt ?? this.#clock.now(), token.expiresAt, this.#policy, this.#random);
  }

  /**
   * The server handed back the same token, or one that expires no later than the one we held. Renewing ahead again
   * would fire ever more often as the lifetime-scaled window shrinks: keep this token until it expires (a 401 still
   * renews it) and say so once.
   */
  #stopRenewingAhead(token: TokenSet, reason: RenewReason): void {
    if (this.#entry) this.#entry.refreshAt = Number.POSITIVE_INFINITY;
    if (this.#stalledToken === token.accessToken) return;
    this.#stalledToken = token.accessToken;
    this.#report(
      'warn',
      { type: 'token.renewal_no_progress', reason, fingerprint: fingerprintToken(token.accessToken) },
      'the token endpoint returned the same token or no later expiry; no renewal ahead of expiry for this token',
    );
  }

  #validate(token: TokenSet): TokenSet {
    const now = this.#clock.now();
    if (typeof token?.accessToken !== 'string' || token.accessToken === '') {
      throw new AuthError(`${this.#packageName}: the token source returned no access token.`);
    }
    const invalid = describeInvalidTokenSet(token);
    if (invalid !== undefined && !invalid.startsWith('its expiresAt')) {
      // Never quoted: an unusable token is still a credential.
      throw new AuthError(`${this.#packageName}: the token source returned an unusable token set: ${invalid}.`);
    }
    if (token.expiresAt !== undefined && !Number.isFinite(token.expiresAt)) {
      throw new AuthError(`${this.#packageName}: the token source returned an expiry that is not a finite time.`);
    }
    if (token.expiresAt !== undefined && token.expiresAt <= now) {
      throw new AuthError(`${this.#packageName}: the token source returned a token that is already expired.`);
    }
    return { ...token, issuedAt: token.issuedAt ?? now };
  }

  async #readStore(): Promise<TokenSet | undefined> {
    let record: unknown;
    try {
      record = await this.#store.get(this.key);
      this.#storeRecovered();
    } catch (error) {
      this.#storeFailed(error, 'read');
      return undefined;
    }
    if (record === undefined || record === null) return undefined;
    // Trusted no more than a network answer: a bad record is absent, and the next renewal writes over it.
    const token = parseTokenSet(record);
    if (token === undefined) {
      if (this.#invalidRecordReported) return undefined;
      this.#invalidRecordReported = true;
      this.#report(
        'warn',
        { type: 'store.invalid_record', problem: describeInvalidTokenSet(record) },
        'the stored record is not a usable token set; it is ignored and replaced by the next renewal',
      );
      return undefined;
    }
    this.#secrets.add(token.accessToken, token.refreshToken);
    return token;
  }

  /** True when the token reached the store. */
  async #writeStore(token: TokenSet): Promise<boolean> {
    try {
      await this.#store.set(this.key, token);
      this.#invalidRecordReported = false;
      this.#storeRecovered();
      return true;
    } catch (error) {
      // The token stays usable in this process; nothing is lost, sharing resumes when the store is back.
      this.#storeFailed(error, 'write');
      return false;
    }
  }

  #storeFailed(error: unknown, operation: string): void {
    if (this.#storeFailing) return;
    this.#storeFailing = true;
    this.#report(
      'warn',
      { type: 'store.unavailable', operation, error: describeError(error) },
      'token store unavailable; using a per-process token until it is back',
    );
  }

  #storeRecovered(): void {
    if (!this.#storeFailing) return;
    this.#storeFailing = false;
    this.#report('info', { type: 'store.recovered' }, 'token store is back');
  }
}

/** A renewal that leaves us no better off: the same token without a known expiry, or no later expiry. */
function madeNoProgress(previous: TokenSet, next: TokenSet): boolean {
  if (next.expiresAt === undefined || previous.expiresAt === undefined)
    return next.accessToken === previous.accessToken;
  return next.expiresAt <= previous.expiresAt;
}

function isUsable(token: TokenSet, now: number): boolean {
  return token.expiresAt === undefined || now < token.expiresAt;
}

/** Of two candidates, the one issued last (its refresh token is the one the provider still accepts). */
function newest(a: TokenSet | undefined, b: TokenSet | undefined): TokenSet | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (a.issuedAt ?? 0) >= (b.issuedAt ?? 0) ? a : b;
}

/** A log-safe description: our own errors have redacted messages; anything else is reduced to its name. */
function describeError(error: unknown): string {
  if (AuthError.isInstance(error)) return `${error.name}: ${error.message}`;
  return error instanceof Error ? error.name : typeof error;
}
