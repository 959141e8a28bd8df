import type { Logger } from '@auth/core';
import type { GomusUnknownFieldLogLevel } from './gomus-client-options.js';

/** Reports surprises in go~mus responses, each once per endpoint and field, so a busy client does not flood its log. */
export interface FieldReporter {
  /** A field this package does not know (go~mus answers differently per token, so this is expected). */
  unknown(endpoint: string, field: string): void;
  /** A known field with a value of another type; it is left out of the typed result. */
  unexpected(endpoint: string, field: string, expected: string, received: string): void;
  /** A required field is missing or unusable; the record is skipped (lists) or the call fails (single records). */
  missing(endpoint: string, field: string): void;
  /** An enumerated field with a value this package does not know; it is kept. Only for values that are never data. */
  unknownValue(endpoint: string, field: string, value: string): void;
}

// Distinct (endpoint, field) pairs remembered; past it, a server sending ever new keys cannot grow memory.
const maxRemembered = 1_000;

export function createFieldReporter(logger: Logger, level: GomusUnknownFieldLogLevel): FieldReporter {
  const seen = new Set<string>();
  const once = (kind: string, endpoint: string, field: string): boolean => {
    const key = `${kind}\u0000${endpoint}\u0000${field}`;
    if (seen.has(key) || seen.size >= maxRemembered) return false;
    seen.add(key);
    return true;
  };
  // Field names only: values may be personal data.
  return {
    unknown(endpoint, field) {
      if (!once('unknown', endpoint, field)) return;
      logger[level](
        { provider: 'gomus', event: 'response.unknown_field', endpoint, field },
        'go~mus sent a field this client does not know; it is passed through unchanged',
      );
    },
    unexpected(endpoint, field, expected, received) {
      if (!once('unexpected', endpoint, field)) return;
      logger.warn(
        { provider: 'gomus', event: 'response.unexpected_type', endpoint, field, expected, received },
        'go~mus sent a known field with an unexpected type; it is left out of the typed result',
      );
    },
    missing(endpoint, field) {
      if (!once('missing', endpoint, field)) return;
      logger.warn(
        { provider: 'gomus', event: 'response.missing_field', endpoint, field },
        'go~mus sent a record without a field this client needs',
      );
    },
    unknownValue(endpoint, field, value) {
      if (!once(`value:${value}`, endpoint, field)) return;
      logger.warn(
        { provider: 'gomus', event: 'response.unknown_value', endpoint, field, value },
        'go~mus sent a value this client does not know; it is passed through unchanged',
      );
    },
  };
}
