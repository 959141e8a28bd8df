import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { applyFault } from './apply-fault.js';
import { createCounters, resetCounters } from './create-counters.js';
import type { EmulatorClock } from './create-emulator-clock.js';
import { createFaultQueue } from './create-fault-queue.js';
import { createRequestRecorder } from './create-request-recorder.js';
import { EmulatorExchange } from './emulator-exchange.js';
import { hasRequestBody, parseRequestBody, RequestBodyTooLargeError, readRequestBody } from './read-request-body.js';
import type { EmulatorHandle, EmulatorOptions, FaultSpec } from './types.js';

/** What a provider supplies; the server does the rest (lifecycle, counters, recording, faults, latency). */
export interface EmulatorServerConfig {
  options: EmulatorOptions;
  clock: EmulatorClock;
  isTokenRequest(method: string, path: string): boolean;
  /** The grant a token request asks for, counted in `tokenRequestsByGrant`. */
  grantOf?(exchange: EmulatorExchange): string | undefined;
  handle(exchange: EmulatorExchange): void | Promise<void>;
  expireAllTokens(): void;
  revoke(token: string): void;
  onReset?(): void;
}

export async function startEmulatorServer(config: EmulatorServerConfig): Promise<EmulatorHandle> {
  const { options, clock } = config;
  const counters = createCounters();
  const recorder = createRequestRecorder({
    enabled: options.recordRequests ?? true,
    maxRecordedRequests: options.maxRecordedRequests ?? 10_000,
  });
  const faults = createFaultQueue();
  const latencyMs = options.latencyMs ?? 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  // Timers are tracked so that close() can cancel them: a pending delay must not keep the process alive.
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const dispatch = (exchange: EmulatorExchange) => {
    const fail = (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      exchange.sendJson(500, { error: `emulator error: ${message}` });
    };
    try {
      const result = config.handle(exchange);
      if (result) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  const respondLater = async (exchange: EmulatorExchange, fault: FaultSpec | undefined) => {
    if (latencyMs > 0) await delay(latencyMs);
    if (fault) {
      counters.faultsInjected += 1;
      if (await applyFault(exchange, fault, delay)) return;
    }
    dispatch(exchange);
  };

  const proceed = (exchange: EmulatorExchange, fault: FaultSpec | undefined, receivedAt: number, body: unknown) => {
    if (recorder.enabled) {
      recorder.record({
        method: exchange.method,
        path: exchange.path,
        query: exchange.query,
        headers: copyHeaders(exchange.request.headers),
        ...(body !== undefined && { body }),
        receivedAt,
      });
    }
    if (exchange.isTokenRequest && config.grantOf) {
      const grant = config.grantOf(exchange);
      if (grant) counters.tokenRequestsByGrant[grant] = (counters.tokenRequestsByGrant[grant] ?? 0) + 1;
    }
    // The common case (no latency, no fault) stays synchronous.
    if (latencyMs > 0 || fault) {
      respondLater(exchange, fault).catch((error: unknown) => exchange.sendJson(500, { error: String(error) }));
    } else dispatch(exchange);
  };

  const onResponseClose = () => {
    counters.inFlight -= 1;
  };

  const server = createServer((request, response) => {
    const receivedAt = Date.now();
    counters.inFlight += 1;
    if (counters.inFlight > counters.peakInFlight) counters.peakInFlight = counters.inFlight;
    response.once('close', onResponseClose);

    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query: Record<string, string> =
      queryStart === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryStart + 1)));
    const method = request.method ?? 'GET';
    const isTokenRequest = config.isTokenRequest(method, path);
    if (isTokenRequest) counters.tokenRequests += 1;
    else counters.apiRequests += 1;
    // Taken on arrival, so faults go to requests in the order they arrive, whatever their bodies' sizes.
    const fault = faults.take(method, path);
    const exchange = new EmulatorExchange({ request, response, method, path, query, isTokenRequest, counters, clock });

    if (!hasRequestBody(request)) {
      proceed(exchange, fault, receivedAt, undefined);
      return;
    }
    readRequestBody(request).then(
      (text) => {
        const parsed = parseRequestBody(text, exchange.header('content-type'));
        exchange.body = parsed.value;
        exchange.invalidJsonBody = parsed.invalidJson;
        proceed(exchange, fault, receivedAt, parsed.recorded);
      },
      (error: unknown) => {
        if (error instanceof RequestBodyTooLargeError) {
          exchange.sendJson(413, { error: error.message }, { connection: 'close' });
        }
      },
    );
  });

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // Listening after the responses' own 'close' listeners: once every socket has closed, inFlight has settled.
      const socketsClosed = [...sockets].map(
        (socket) => new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve()))),
      );
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() alone waits for busy connections; hanging and keep-alive sockets are destroyed here.
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all([serverClosed, ...socketsClosed]);
    })();
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    close,
    counters,
    requests: recorder.requests,
    reset() {
      resetCounters(counters);
      recorder.clear();
      faults.clear();
      config.onReset?.();
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    expireAllTokens: () => config.expireAllTokens(),
    revoke: (token) => config.revoke(token),
    setClockOffsetMs(offsetMs) {
      clock.offsetMs = offsetMs;
    },
  };
}

function copyHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) copy[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return copy;
}
