import { failureReason } from './failure-reason.js';
import type { Instrumentation } from './instrumentation.js';
import { createExchangeLog, type ExchangeRecord } from './log-exchange.js';
import { type Logger, silentLogger } from './logger.js';
import { redactUrl } from './redact-url.js';

export interface AttemptObserverOptions {
  /** `silentLogger` writes no record (and costs nothing). */
  logger: Logger;
  /** Fields added to every log record. */
  logFields: Record<string, unknown>;
  /** Only when it traces attempts (`tracesAttempts !== false`). */
  telemetry: Instrumentation | undefined;
  kind: 'api' | 'token';
  provider: string | undefined;
  visibleQueryParameters: readonly string[];
}

/** Runs one attempt (`send`) inside its log record and its span. */
export type AttemptObserver = (record: ExchangeRecord, send: () => Promise<Response>) => Promise<Response>;

/**
 * What watches each attempt: one redacted log record per exchange, and one CLIENT span when instrumented. Undefined
 * when nobody reads either: the engine then sends without any per-attempt work.
 */
export function createAttemptObserver(options: AttemptObserverOptions): AttemptObserver | undefined {
  const { telemetry, visibleQueryParameters } = options;
  const tracing = telemetry !== undefined && telemetry.tracesAttempts !== false ? telemetry : undefined;
  const log =
    options.logger === silentLogger
      ? undefined
      : createExchangeLog(options.logger, options.logFields, visibleQueryParameters);
  if (log === undefined && tracing === undefined) return undefined;
  return async (record, send) => {
    const { request } = record;
    const end = tracing?.attempt({
      method: request.method,
      get url() {
        return redactUrl(request.url, visibleQueryParameters);
      },
      resendCount: record.attempt - 1 + (record.replay ? 1 : 0),
      kind: options.kind,
      provider: options.provider,
      tokenFingerprint: record.token,
    });
    try {
      const response = await (log ? log(record, send) : send());
      end?.({ status: response.status });
      return response;
    } catch (error) {
      end?.({ error: failureReason(error) });
      throw error;
    }
  };
}
