// `@auth/core/opentelemetry`: the engine's instrumentation through the OpenTelemetry API. The application brings
// the SDK; with none registered every call below is the API's no-op. Only this entry imports @opentelemetry/api
// (an optional peer dependency), so clients that do not ask for it carry none of it.
import {
  type Attributes,
  context,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import type { Instrumentation, RenewalEnd } from './instrumentation.js';

export interface OpenTelemetryOptions {
  /** @default the globally registered one (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** @default the globally registered one (`metrics.getMeterProvider()`) */
  meterProvider?: MeterProvider;
  /**
   * Record a CLIENT span and `http.client.request.duration` per HTTP attempt. Turn it off when
   * `@opentelemetry/instrumentation-undici` already traces every fetch, so that attempts are not traced twice; the
   * token lifecycle spans, waits and auth metrics stay. @default true
   */
  httpSpans?: boolean;
}

const scope = '@auth/core';

/**
 * Instrumentation for any `@auth` client's `telemetry` option: one CLIENT span per HTTP attempt (HTTP semantic
 * conventions, token requests included, `url.full` redacted like the logs), an INTERNAL span `auth.token.renew` per
 * renewal, waits as span events, and metrics: `http.client.request.duration`, `auth.token.renewals`,
 * `auth.token.renew.duration`, `auth.http.replays`, `auth.client.wait.duration`.
 *
 * @example
 * import { openTelemetry } from '@auth/core/opentelemetry';
 * const musement = createMusementClient({ ...credentials, telemetry: openTelemetry() });
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Instrumentation {
  const tracer: Tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(scope);
  const meter: Meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(scope);
  // Whether anything records at all, decided once: without an SDK the engine skips its per-attempt work, so the API
  // installed but idle costs nothing per call. Start the SDK before calling openTelemetry().
  const noopMeter = createNoopMeter().constructor;
  const recording = tracer.startSpan('auth.probe').isRecording() || !(meter instanceof noopMeter);
  const httpSpans = (options.httpSpans ?? true) && recording;
  const requestDuration = meter.createHistogram('http.client.request.duration', {
    unit: 's',
    description: 'Duration of HTTP client requests (one per attempt).',
  });
  const renewals = meter.createCounter('auth.token.renewals', { description: 'Token renewals by reason and outcome.' });
  const renewDuration = meter.createHistogram('auth.token.renew.duration', {
    unit: 's',
    description: 'Duration of token renewals, lease waits included.',
  });
  const replays = meter.createCounter('auth.http.replays', { description: 'Requests replayed after a 401.' });
  const waits = meter.createHistogram('auth.client.wait.duration', {
    unit: 's',
    description: 'Time calls spent waiting for a token or a rate-limit slot, and Retry-After waits asked for.',
  });
  const provided = (provider: string | undefined): Attributes =>
    provider === undefined ? {} : { 'auth.provider': provider };

  return {
    tracesAttempts: httpSpans,
    attempt(info) {
      if (!httpSpans) return () => {};
      const span = tracer.startSpan(info.method, { kind: SpanKind.CLIENT }, context.active());
      // Without an SDK the span is the API's no-op: no attribute is worth building for it, nor for the no-op meter.
      const recording = span.isRecording();
      let server: Attributes = {};
      if (recording) {
        const full = info.url;
        const url = safeUrl(full);
        server = {
          'server.address': url?.hostname ?? '',
          'server.port': url ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : 0,
        };
        span.setAttributes({
          'http.request.method': info.method,
          ...server,
          'url.full': full,
          'auth.request.kind': info.kind,
          ...provided(info.provider),
          ...(info.resendCount > 0 && { 'http.request.resend_count': info.resendCount }),
          ...(info.tokenFingerprint && { 'auth.token.fingerprint': info.tokenFingerprint }),
        });
      }
      const started = performance.now();
      return (end) => {
        const metric: Attributes = { 'http.request.method': info.method, ...server };
        if (end.status !== undefined) {
          span.setAttribute('http.response.status_code', end.status);
          metric['http.response.status_code'] = end.status;
        }
        const errorType = end.error ?? (end.status !== undefined && end.status >= 400 ? String(end.status) : undefined);
        if (errorType !== undefined) {
          span.setAttribute('error.type', errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
          metric['error.type'] = errorType;
        }
        span.end();
        requestDuration.record((performance.now() - started) / 1000, metric);
      };
    },
    renewal(info) {
      const span = tracer.startSpan(
        'auth.token.renew',
        { kind: SpanKind.INTERNAL, attributes: { ...provided(info.provider), 'auth.renew.reason': info.reason } },
        context.active(),
      );
      const started = performance.now();
      const inside = trace.setSpan(context.active(), span);
      const end = (end: RenewalEnd) => {
        setDefined(span, {
          'auth.renew.outcome': end.outcome,
          'auth.grant': end.grant,
          'auth.lease.wait_ms': end.leaseWaitMs,
          'auth.token.fingerprint': end.tokenFingerprint,
          'error.type': end.error,
        });
        if (end.outcome === 'failure') span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        const attributes = {
          ...provided(info.provider),
          'auth.renew.reason': info.reason,
          'auth.renew.outcome': end.outcome,
        };
        renewals.add(1, attributes);
        renewDuration.record((performance.now() - started) / 1000, attributes);
      };
      return { run: (work) => context.with(inside, work), end };
    },
    waited(kind, durationMs, provider) {
      trace.getActiveSpan()?.addEvent('auth.wait', { 'auth.wait.kind': kind, 'auth.wait.duration_ms': durationMs });
      waits.record(durationMs / 1000, { ...provided(provider), 'auth.wait.kind': kind });
    },
    replayed(provider) {
      trace.getActiveSpan()?.addEvent('auth.replay_after_401');
      replays.add(1, provided(provider));
    },
  };
}

function safeUrl(url: string): URL | undefined {
  return URL.canParse(url) ? new URL(url) : undefined;
}

function setDefined(span: Span, attributes: Record<string, string | number | undefined>): void {
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) span.setAttribute(name, value);
}
