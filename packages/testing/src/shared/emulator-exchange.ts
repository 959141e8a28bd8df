import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { EmulatorClock } from './create-emulator-clock.js';
import type { EmulatorCounters } from './types.js';

const jsonContentType = 'application/json; charset=utf-8';

/** One request being answered: what a provider's handler reads and how it answers. */
export class EmulatorExchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly isTokenRequest: boolean;
  /** Parsed JSON, a form as an object, or the text; `undefined` without a body. */
  body: unknown = undefined;
  /** The body claimed or looked like JSON but did not parse. */
  invalidJsonBody = false;
  readonly counters: EmulatorCounters;
  private readonly clock: EmulatorClock;

  constructor(init: {
    request: IncomingMessage;
    response: ServerResponse;
    method: string;
    path: string;
    query: Record<string, string>;
    isTokenRequest: boolean;
    counters: EmulatorCounters;
    clock: EmulatorClock;
  }) {
    this.request = init.request;
    this.response = init.response;
    this.method = init.method;
    this.path = init.path;
    this.query = init.query;
    this.isTokenRequest = init.isTokenRequest;
    this.counters = init.counters;
    this.clock = init.clock;
  }

  /** A request header by lower-case name, repeated values joined. */
  header(name: string): string | undefined {
    const value = this.request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The body as an object of fields, or an empty object when it is not one. */
  bodyFields(): Record<string, unknown> {
    const body = this.body;
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  }

  sendJson(status: number, body: unknown, headers?: Record<string, string>): void {
    this.send(status, jsonContentType, JSON.stringify(body), headers);
  }

  /** Sends JSON that is already serialised. */
  sendJsonText(status: number, json: string, headers?: Record<string, string>): void {
    this.send(status, jsonContentType, json, headers);
  }

  send(status: number, contentType: string | undefined, text: string, headers?: Record<string, string>): void {
    const response = this.response;
    if (response.headersSent || response.destroyed) return;
    if (status === 401) this.counters.unauthorized += 1;
    else if (status === 429) this.counters.rateLimited += 1;
    const outgoing: OutgoingHttpHeaders = { 'content-length': Buffer.byteLength(text) };
    if (contentType !== undefined) outgoing['content-type'] = contentType;
    if (this.clock.offsetMs !== 0) {
      // The Date header follows the server's (offset) clock, so clients can measure the skew.
      response.sendDate = false;
      outgoing.date = new Date(this.clock.nowMs()).toUTCString();
    }
    if (headers) for (const name of Object.keys(headers)) outgoing[name.toLowerCase()] = headers[name];
    response.writeHead(status, outgoing);
    response.end(text);
  }
}
