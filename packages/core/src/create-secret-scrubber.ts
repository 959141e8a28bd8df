import type { Logger } from './logger.js';
import { REDACTED } from './redact-url.js';

/**
 * The secrets one client knows (client secret, password, the tokens it holds or held), and the one place that removes
 * every occurrence of them from what an error or a log record carries, even when a server echoed one back. This comes
 * on top of the allow-list redaction of URLs and headers, which hides what we never knew was secret.
 */
export interface SecretScrubber {
  /** Remembers values to scrub; empty, missing and very short values (under 4 characters) are ignored. */
  add(...values: (string | undefined)[]): void;
  /** True when `text` contains a known secret. */
  reveals(text: string): boolean;
  /** A copy of `value` (a string, or plain data nested up to 8 levels) with every known secret replaced by `[REDACTED]`. */
  scrub<T>(value: T): T;
  /** Scrubs an error in place: message, stack, enumerable fields and its `cause` chain. Returns it. */
  scrubError<E>(error: E): E;
  /** A logger that scrubs every record and message before `logger` sees it. */
  wrapLogger(logger: Logger): Logger;
}

/** Values shorter than this would turn ordinary words into `[REDACTED]`; no real secret is that short. */
const minSecretLength = 4;
/** Tokens are remembered for as long as they may still be echoed; the oldest are forgotten past this many. */
const maxRememberedTokens = 32;
const maxDepth = 8;

/**
 * @param fixed secrets the client holds for its whole life (client secret, password); never forgotten.
 */
export function createSecretScrubber(fixed: readonly (string | undefined)[] = []): SecretScrubber {
  const permanent = new Set<string>();
  const remembered = new Set<string>();
  for (const value of fixed) if (typeof value === 'string' && value.length >= minSecretLength) permanent.add(value);
  /** Longest first, so a secret that contains another is replaced whole. Rebuilt only when the set changes. */
  let ordered: string[] | undefined;

  const secrets = (): string[] => {
    ordered ??= [...permanent, ...remembered].sort((a, b) => b.length - a.length);
    return ordered;
  };

  const scrubText = (text: string): string => {
    let result = text;
    for (const secret of secrets()) if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
    return result;
  };

  const scrubValue = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof value === 'string') return scrubText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= maxDepth || seen.has(value)) return REDACTED;
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1, seen));
    if (value instanceof Error) return scrubErrorInPlace(value, depth, seen);
    const copy: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) copy[scrubText(name)] = scrubValue(item, depth + 1, seen);
    return copy;
  };

  const scrubErrorInPlace = (error: Error, depth: number, seen: WeakSet<object>): Error => {
    const fields = error as unknown as Record<string, unknown>;
    for (const name of ['message', 'stack'] as const) {
      if (typeof error[name] === 'string') {
        Object.defineProperty(error, name, { value: scrubText(error[name]), writable: true, configurable: true });
      }
    }
    for (const [name, item] of Object.entries(error)) {
      try {
        fields[name] = scrubValue(item, depth + 1, seen);
      } catch {
        // A read-only field: our own errors only hold values that were scrubbed before construction.
      }
    }
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) {
      Object.defineProperty(error, 'cause', {
        value: scrubValue(cause, depth + 1, seen),
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
    return error;
  };

  const isEmpty = () => permanent.size === 0 && remembered.size === 0;

  return {
    add(...values) {
      for (const value of values) {
        if (typeof value !== 'string' || value.length < minSecretLength) continue;
        if (permanent.has(value) || remembered.has(value)) continue;
        remembered.add(value);
        if (remembered.size > maxRememberedTokens) remembered.delete(remembered.values().next().value as string);
        ordered = undefined;
      }
    },
    reveals: (text) => secrets().some((secret) => text.includes(secret)),
    scrub: (value) => (isEmpty() ? value : (scrubValue(value, 0, new WeakSet()) as typeof value)),
    scrubError(error) {
      if (!isEmpty() && error instanceof Error) scrubErrorInPlace(error, 0, new WeakSet());
      return error;
    },
    wrapLogger(logger) {
      const wrap =
        (level: keyof Logger) =>
        (record: object, message?: string): void => {
          if (isEmpty()) logger[level](record, message);
          else logger[level](scrubValue(record, 0, new WeakSet()) as object, message && scrubText(message));
        };
      return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
    },
  };
}
