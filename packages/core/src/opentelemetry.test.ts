import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEvent } from './auth-event.js';
import { FileTokenStore } from './file-token-store.js';
import { fingerprintToken } from './fingerprint-token.js';
import { openTelemetry } from './opentelemetry.js';
import { createOAuthClient } from './test-support/create-oauth-client.js';
import { type OAuthServer, startOAuthServer } from './test-support/start-oauth-server.js';
import { TokenManager } from './token-manager.js';

/** A metric reader the test collects from on demand. */
class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let reader = new TestReader();
let meterProvider = new MeterProvider({ readers: [reader] });
const contextManager = new AsyncLocalStorageContextManager();
const servers: OAuthServer[] = [];

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
afterEach(async () => {
  exporter.reset();
  reader = new TestReader();
  meterProvider = new MeterProvider({ readers: [reader] });
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(options: Parameters<typeof startOAuthServer>[0] = {}) {
  const started = await startOAuthServer(options);
  servers.push(started);
  return started;
}

const telemetry = () => openTelemetry({ tracerProvider, meterProvider });
const named = (name: string) => (span: ReadableSpan) => span.name === name;

/** Every data point of `name`, as { attributes, value } (a histogram's value is its count). */
async function points(name: string): Promise<Array<{ attributes: Record<string, unknown>; value: number }>> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) =>
      metric.dataPoints.map((point) => ({
        attributes: point.attributes,
        value: typeof point.value === 'number' ? point.value : (point.value as { count: number }).count,
      })),
    );
}

describe('OpenTelemetry traces and metrics, with the real SDK', () => {
  it('a cold call: one renewal span (missing, obtain), the token request and the API call as CLIENT spans', async () => {
    const oauth = await server();
    const { api } = createOAuthClient(oauth, { telemetry: telemetry() });
    await api.get('data').json();

    const spans = exporter.getFinishedSpans();
    const renewal = spans.find(named('auth.token.renew'));
    expect(renewal?.attributes).toMatchObject({
      'auth.renew.reason': 'missing',
      'auth.renew.outcome': 'success',
      'auth.grant': 'obtain',
      'auth.token.fingerprint': fingerprintToken('SECRET-access-1'),
    });
    const attempts = spans.filter((span) => span.kind === 2 /* CLIENT */);
    expect(attempts.map((span) => [span.name, span.attributes['auth.request.kind']])).toEqual([
      ['POST', 'token'],
      ['GET', 'api'],
    ]);
    const call = attempts[1]!;
    expect(call.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
      'url.full': `${oauth.url}/api/data`,
      'auth.token.fingerprint': fingerprintToken('SECRET-access-1'),
    });
    expect(call.attributes['http.request.resend_count']).toBeUndefined();
    // The token request ran inside the renewal.
    expect(attempts[0]!.parentSpanContext?.spanId).toBe(renewal?.spanContext().spanId);

    expect(await points('auth.token.renewals')).toEqual([
      {
        attributes: { 'auth.renew.reason': 'missing', 'auth.renew.outcome': 'success' },
        value: oauth.tokenRequests.length,
      },
    ]);
    const durations = await points('http.client.request.duration');
    expect(durations.reduce((sum, point) => sum + point.value, 0)).toBe(
      oauth.tokenRequests.length + oauth.apiRequests.length,
    );
  });

  it('a 401 replay: two attempt spans, the second with resend_count 1, and a renewal for the reason rejected', async () => {
    const oauth = await server();
    const events: AuthEvent[] = [];
    const { api } = createOAuthClient(oauth, { telemetry: telemetry(), onEvent: (event) => events.push(event) });
    await api.get('data').json();
    oauth.expireAll();
    exporter.reset();
    await api.get('data').json();

    const spans = exporter.getFinishedSpans();
    const calls = spans.filter((span) => span.kind === 2 && span.attributes['auth.request.kind'] === 'api');
    expect(
      calls.map((span) => [span.attributes['http.response.status_code'], span.attributes['http.request.resend_count']]),
    ).toEqual([
      [401, undefined],
      [200, 1],
    ]);
    expect(calls[0]!.attributes['error.type']).toBe('401');
    expect(spans.find(named('auth.token.renew'))?.attributes).toMatchObject({
      'auth.renew.reason': 'rejected',
      'auth.grant': 'refresh',
    });
    expect(await points('auth.http.replays')).toEqual([{ attributes: {}, value: 1 }]);
    expect(events.map((event) => event.type)).toContain('token.rejected');
    expect(events.find((event) => event.type === 'token.rejected')).toMatchObject({
      fingerprint: fingerprintToken('SECRET-access-1'),
    });
  });

  it('a retried 503: the retry carries http.request.resend_count, the Retry-After wait is an event on the caller span', async () => {
    const oauth = await server();
    oauth.apiFaults.push({ status: 503, headers: { 'retry-after': '0' } });
    const { api } = createOAuthClient(oauth, { telemetry: telemetry(), retry: { initialDelayMs: 1 } });
    const tracer = tracerProvider.getTracer('test');
    await tracer.startActiveSpan('caller', async (caller) => {
      await api.get('data').json();
      caller.end();
    });

    const spans = exporter.getFinishedSpans();
    const calls = spans.filter((span) => span.kind === 2 && span.attributes['auth.request.kind'] === 'api');
    expect(calls.map((span) => span.attributes['http.request.resend_count'])).toEqual([undefined, 1]);
    expect(calls[0]!.attributes['error.type']).toBe('503');
    const caller = spans.find(named('caller'))!;
    expect(calls.every((span) => span.parentSpanContext?.spanId === caller.spanContext().spanId)).toBe(true);
    expect(caller.events.map((event) => [event.name, event.attributes?.['auth.wait.kind']])).toContainEqual([
      'auth.wait',
      'retry_after',
    ]);
  });

  it('a fleet lease wait: the second manager waits for the first one’s renewal and says so on its span', async () => {
    const oauth = await server({ tokenDelayMs: 200 });
    const directory = await mkdtemp(join(tmpdir(), 'auth-otel-'));
    try {
      const path = join(directory, 'tokens.json');
      const manager = (fleet: string) =>
        createOAuthClient(oauth, { telemetry: telemetry(), store: new FileTokenStore(path), logFields: { fleet } })
          .tokens;
      const first = manager('a');
      const second = new TokenManager({
        key: 'test',
        store: new FileTokenStore(path),
        leasePollMs: 20,
        telemetry: telemetry(),
        source: { obtain: () => Promise.reject(new Error('the second process must not log in')) },
      });
      const [a, b] = await Promise.all([
        first.getToken(),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() => second.getToken()),
      ]);
      expect(b.accessToken).toBe(a.accessToken);
      expect(oauth.tokenRequests).toHaveLength(1);
      const renewals = exporter.getFinishedSpans().filter(named('auth.token.renew'));
      const adopted = renewals.find((span) => span.attributes['auth.grant'] === 'adopted');
      expect(adopted?.attributes['auth.lease.wait_ms']).toBeGreaterThan(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('never puts a secret into a span, an event or a metric attribute', async () => {
    const oauth = await server();
    oauth.apiFaults.push({ status: 500, body: { echo: 'SECRET-access-1' } });
    const { api } = createOAuthClient(oauth, { telemetry: telemetry(), retry: 0 });
    await api.get('data', { searchParams: { api_key: 'SECRET-query' } }).catch(() => undefined);
    const text = JSON.stringify([
      exporter
        .getFinishedSpans()
        .map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })),
      await reader.collect(),
    ]);
    expect(text).toContain('[REDACTED]');
    for (const secret of ['SECRET-access-1', 'SECRET-refresh-1', 'SECRET-query', oauth.options.clientSecret]) {
      expect(text).not.toContain(secret);
    }
  });

  it('with no SDK registered, openTelemetry() is the API no-op: calls work and nothing is recorded', async () => {
    const oauth = await server();
    expect(trace.getTracerProvider().getTracer('x').startSpan('y').isRecording()).toBe(false);
    const { api } = createOAuthClient(oauth, { telemetry: openTelemetry() });
    expect(await api.get('data').json()).toMatchObject({ ok: true });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('an instrumentation or an onEvent listener that throws never breaks a call', async () => {
    const oauth = await server();
    const throwing = () => {
      throw new Error('observer failure');
    };
    const { api } = createOAuthClient(oauth, {
      telemetry: { attempt: throwing, renewal: throwing, waited: throwing, replayed: throwing },
      onEvent: throwing,
    });
    expect(await api.get('data').json()).toMatchObject({ ok: true });
  });
});
