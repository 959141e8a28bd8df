import { ApiError, REDACTED } from '@auth/core';
import { packageName } from './package-name.js';

/** The longest server message quoted in an error; the whole body stays in `data`. */
const maxMessageLength = 300;

/**
 * Musimap's error envelope (`{ status, timestamp, message }`, the documented "Error Response Schema" whose fields our
 * sources do not quote) read tolerantly into the `ApiError`'s message: `message`, else `error` (a string or an object
 * with a `message`), `detail`, `title`, or the first of `errors`. Only an `ApiError` of an error status is changed; the
 * body it quotes was already scrubbed of every secret the client knows, and no header is ever read.
 */
export function mapMusimapError(error: Error): Error {
  if (!ApiError.isInstance(error) || error.code !== 'API' || error.status < 400) return error;
  const message = envelopeMessage(error.data);
  if (message === undefined) return error;
  const url = new URL(error.url);
  return new ApiError({
    packageName,
    method: error.method,
    url: error.url,
    // The URL is already redacted: what it still shows may stay shown, what it hides stays hidden.
    visibleQueryParameters: [...url.searchParams].filter(([, value]) => value !== REDACTED).map(([name]) => name),
    status: error.status,
    data: error.data,
    detail: `failed with ${error.status}: ${message}`,
  });
}

function envelopeMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const body = data as Record<string, unknown>;
  const nested = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>).message : value;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  for (const candidate of [body.message, nested(body.error), body.detail, body.title, nested(errors[0])]) {
    if (typeof candidate !== 'string') continue;
    // One line of printable text: a server's message may carry anything.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced.
    const text = candidate.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (text !== '') return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
  }
  return undefined;
}
