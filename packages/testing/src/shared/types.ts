/** How a fault breaks the response. See {@link FaultSpec}. */
export type FaultKind = 'status' | 'latency' | 'reset' | 'malformed-json' | 'html' | 'hang' | 'empty';

/** Which requests a fault applies to. Every given field must match. */
export interface FaultMatch {
  /** HTTP method, compared case-insensitively. @default any method */
  method?: string;
  /** A string is a prefix of the path (without the query string); a RegExp is tested against that path. @default any path */
  path?: string | RegExp;
}

/** A fault served instead of (or before) the emulator's normal answer. */
export interface FaultSpec {
  /** Which requests receive the fault. @default every request */
  match?: FaultMatch;
  /** How many matching requests receive the fault; `Infinity` keeps it until cleared. @default 1 */
  times?: number;
  /**
   * - `status`: answer `status` with `headers` and `body`;
   * - `latency`: wait `delayMs`, then answer normally;
   * - `reset`: destroy the connection without a response;
   * - `malformed-json`: 200 (or `status`), `content-type: application/json`, truncated JSON body;
   * - `html`: 502 (or `status`) with an HTML error page, as a proxy in front of the API would send;
   * - `empty`: 200 (or `status`) with an empty body;
   * - `hang`: never answer (until the emulator is closed or the client gives up).
   */
  kind: FaultKind;
  /** Status code for `status` (@default 500), `malformed-json` (200), `html` (502) and `empty` (200). */
  status?: number;
  /** Extra response headers, e.g. `{ 'retry-after': '2' }`; they override the emulator's own. @default none */
  headers?: Record<string, string>;
  /** Body for `status`: JSON-encoded unless a string. @default `{ "error": "<reason phrase>" }` */
  body?: unknown;
  /** Wait before acting, in milliseconds. With `status` it gives "slow headers". @default 1000 for `latency`, else 0 */
  delayMs?: number;
}

/** A request as the emulator received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case; the Authorization value is kept so that tests can assert on it. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON; absent without a body. */
  body?: unknown;
  /** When the request arrived, epoch milliseconds (real clock). */
  receivedAt: number;
}

/** Live counters, updated as requests arrive. */
export interface EmulatorCounters {
  /** Requests to the provider's token endpoint (none for go~mus, which has no token endpoint). */
  tokenRequests: number;
  /** Token requests by grant: Musement's `grant_type`, `client` for Musimap. */
  tokenRequestsByGrant: Record<string, number>;
  /** Requests to every other endpoint. */
  apiRequests: number;
  /** 401 responses sent (injected ones included). */
  unauthorized: number;
  /** 429 responses sent (injected ones included). */
  rateLimited: number;
  /** Requests received and not yet answered or aborted. */
  inFlight: number;
  /** Highest `inFlight` seen since start or the last `reset()`. */
  peakInFlight: number;
  /** Musement: times an already-rotated (old) refresh token was presented. */
  refreshTokenReuse: number;
  /** Requests that received an injected fault. */
  faultsInjected: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Base URL, `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Stops listening and destroys every open connection, hanging and keep-alive ones included. Idempotent. */
  close(): Promise<void>;
  /** Live counters. */
  counters: EmulatorCounters;
  /** Requests received, oldest first, capped at `maxRecordedRequests`. */
  requests: RecordedRequest[];
  /** Zeroes the counters (except `inFlight`) and rate-limit windows, clears recorded requests and faults. Tokens and stored data stay. */
  reset(): void;
  /** Queues a fault for the next `times` matching requests; the earliest injected matching fault wins. */
  injectFault(fault: FaultSpec): void;
  /** Removes every queued fault. */
  clearFaults(): void;
  /** Every access token issued (or configured) so far is expired from now on: using it gets a 401. */
  expireAllTokens(): void;
  /** Revokes an access or refresh token. */
  revoke(token: string): void;
  /**
   * Sets the server clock to the real clock plus `offsetMs`. It changes the times the server reports (the `Date`
   * header, Musimap's `timestamp`, `issued_at`, `expires_at`); expiry is still enforced on real elapsed time.
   */
  setClockOffsetMs(offsetMs: number): void;
}

/** A fixed-window rate limit. */
export interface RateLimit {
  /** Requests allowed per window. */
  requests: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

/** Options every emulator accepts. */
export interface EmulatorOptions {
  /** Lifetime of issued access tokens in seconds (fractions allowed). The default depends on the provider. */
  tokenLifetimeSeconds?: number;
  /** Delay added before every response, in milliseconds. @default 0 */
  latencyMs?: number;
  /** Whether to record requests in `handle.requests`. @default true */
  recordRequests?: boolean;
  /** Most requests kept in `handle.requests`; the oldest are dropped. @default 10_000 */
  maxRecordedRequests?: number;
  /** Port to listen on, on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /**
   * The monotonic clock (milliseconds) rate-limit windows are counted on. Pass one a test moves by hand, so that "the
   * second request falls inside the window" or "the window is over" never depends on how fast the machine is.
   * @default performance.now
   */
  rateLimitClock?: { now(): number };
}
