import type { RenewReason } from './auth-event.js';

/** One HTTP attempt as instrumentation sees it: nothing secret (the URL is redacted, the token a fingerprint). */
export interface AttemptInfo {
  method: string;
  /** The request URL, redacted by the client's allow-list like the logs (computed when read: redaction costs). */
  readonly url: string;
  /** 0 for the first attempt of a call; retries and the replay after a 401 count up. */
  resendCount: number;
  /** `token` for a request to a token endpoint. */
  kind: 'api' | 'token';
  provider: string | undefined;
  /** Fingerprint of the token the attempt carries, when it carries one. */
  tokenFingerprint: string | undefined;
}

export interface AttemptEnd {
  status?: number;
  /** A short failure reason (`ECONNRESET`, `TimeoutError`, ...) when no answer came. */
  error?: string;
}

/** A renewal of the token lifecycle (one per key, however many callers wait for it). */
export interface RenewalInfo {
  provider: string | undefined;
  reason: RenewReason;
}

export interface RenewalEnd {
  outcome: 'success' | 'failure';
  /** `refresh` or `obtain` from the token source, `adopted` when another client or process had stored one. */
  grant?: 'refresh' | 'obtain' | 'adopted';
  /** Time spent waiting for another process's renewal (fleet lease), when there was such a wait. */
  leaseWaitMs?: number;
  tokenFingerprint?: string;
  error?: string;
}

/** A renewal in progress: the work runs inside it (its requests are its children), then it ends. */
export interface RenewalScope {
  run<T>(work: () => Promise<T>): Promise<T>;
  end(end: RenewalEnd): void;
}

/** What a call can wait for besides the network. */
export type WaitKind = 'token' | 'rate_limit' | 'retry_after';

/**
 * How the engine reports what it does, for tracing and metrics (see `@auth/core/opentelemetry`). Every callback gets
 * only redacted, secret-free values. An exception thrown by one is swallowed: instrumentation never breaks a call.
 */
export interface Instrumentation {
  /**
   * False when nothing would record attempts (no SDK): the engine then skips its per-attempt work altogether, so an
   * installed but idle instrumentation costs nothing per call. @default true
   */
  readonly tracesAttempts?: boolean;
  /** An HTTP attempt starts; the returned function ends it. */
  attempt(info: AttemptInfo): (end: AttemptEnd) => void;
  /** A renewal starts: its work runs in the returned scope, which then ends. */
  renewal(info: RenewalInfo): RenewalScope;
  /** A call waited `durationMs` (for a token, a rate-limit slot) or was asked to wait (a `Retry-After`). */
  waited(kind: WaitKind, durationMs: number, provider: string | undefined): void;
  /** A request was replayed once with a renewed token after a 401. */
  replayed(provider: string | undefined): void;
}

/** `instrumentation` with every callback guarded: a throwing observer is ignored. */
export function guardInstrumentation(instrumentation: Instrumentation): Instrumentation {
  const quietly =
    <A extends unknown[], R>(call: (...args: A) => R, fallback: R) =>
    (...args: A): R => {
      try {
        return call(...args);
      } catch {
        return fallback;
      }
    };
  const noEnd = () => {};
  const bare: RenewalScope = { run: (work) => work(), end: noEnd };
  return {
    ...(instrumentation.tracesAttempts === false && { tracesAttempts: false }),
    attempt: quietly((info: AttemptInfo) => quietly(instrumentation.attempt(info), undefined), noEnd),
    renewal: quietly((info: RenewalInfo): RenewalScope => {
      const scope = instrumentation.renewal(info);
      return {
        // A scope that cannot run the work still lets it run, outside the span.
        run: (work) => {
          try {
            return scope.run(work);
          } catch {
            return work();
          }
        },
        end: quietly(scope.end.bind(scope), undefined),
      };
    }, bare),
    waited: quietly(instrumentation.waited.bind(instrumentation), undefined),
    replayed: quietly(instrumentation.replayed.bind(instrumentation), undefined),
  };
}
