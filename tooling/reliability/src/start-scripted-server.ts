import { startTestServer } from '../../../packages/core/src/test-support/start-test-server.js';

/** One scripted answer. */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is: it may be invalid JSON on purpose. */
  body: string;
}

export interface ScriptedServer {
  url: string;
  /** Every request from now on gets this answer. */
  respondWith(response: ScriptedResponse): void;
  /** Requests received since the start. */
  readonly requestCount: number;
  close(): Promise<void>;
}

/**
 * A tiny loopback server that answers every request with whatever the test scripted last (e.g. a fuzzed body): the
 * repository's loopback test server (core's test-support) with a scripted handler.
 */
export async function startScriptedServer(): Promise<ScriptedServer> {
  let current: ScriptedResponse = { status: 204, body: '' };
  const server = await startTestServer((_request, response) => {
    const { status, headers = {}, body } = current;
    const bodyless = status === 204 || status === 304 || status < 200;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(bodyless ? undefined : body);
  });
  return {
    url: server.url,
    respondWith(response) {
      current = response;
    },
    get requestCount() {
      return server.requests.length;
    },
    close: () => server.close(),
  };
}
