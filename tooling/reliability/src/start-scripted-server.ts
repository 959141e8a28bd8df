import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

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

/** A tiny loopback server that answers every request with whatever the test scripted last (e.g. a fuzzed body). */
export async function startScriptedServer(): Promise<ScriptedServer> {
  let current: ScriptedResponse = { status: 204, body: '' };
  let requestCount = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    requestCount += 1;
    request.resume();
    request.on('end', () => {
      const { status, headers = {}, body } = current;
      const bodyless = status === 204 || status === 304 || status < 200;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(bodyless ? undefined : body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    respondWith(response) {
      current = response;
    },
    get requestCount() {
      return requestCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
