import type { IncomingMessage } from 'node:http';

export class RequestBodyTooLargeError extends Error {
  override name = 'RequestBodyTooLargeError';
}

/** Whether the request announces a body; GETs without one skip the asynchronous read entirely. */
export function hasRequestBody(request: IncomingMessage): boolean {
  const contentLength = request.headers['content-length'];
  if (contentLength !== undefined) return contentLength !== '0';
  return request.headers['transfer-encoding'] !== undefined;
}

/** Reads the whole body as UTF-8 text, at most `maxBytes`. */
export function readRequestBody(request: IncomingMessage, maxBytes = 1_048_576): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new RequestBodyTooLargeError(`request body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

export interface ParsedBody {
  /** What the handler sees: parsed JSON, a form as an object, or the text. */
  value: unknown;
  /** What the request log keeps: parsed JSON or the raw text. */
  recorded: unknown;
  /** The body claimed or looked like JSON but did not parse. */
  invalidJson: boolean;
}

export function parseRequestBody(text: string, contentType: string | undefined): ParsedBody {
  if (text === '') return { value: undefined, recorded: undefined, invalidJson: false };
  const type = contentType?.toLowerCase() ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { value: Object.fromEntries(new URLSearchParams(text)), recorded: text, invalidJson: false };
  }
  const looksLikeJson = type.includes('json') || /^\s*[[{]/.test(text);
  if (!looksLikeJson) return { value: text, recorded: text, invalidJson: false };
  try {
    const value: unknown = JSON.parse(text);
    return { value, recorded: value, invalidJson: false };
  } catch {
    return { value: text, recorded: text, invalidJson: true };
  }
}
