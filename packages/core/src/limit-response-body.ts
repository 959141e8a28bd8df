import { ApiError } from './errors/api-error.js';
import { redactUrl } from './redact-url.js';

export interface BodyLimit {
  maxBytes: number;
  packageName: string;
  visibleQueryParameters?: readonly string[] | undefined;
}

/**
 * `response` with its body bounded by `limit.maxBytes`: a declared `Content-Length` over the cap fails at once; a body
 * without one (chunked) is counted as it streams and fails when it crosses the cap. The error is an `ApiError`; nothing
 * past the cap is buffered. A body with a `Content-Length` within the cap is returned untouched: HTTP framing ends it
 * there, so the common case costs nothing.
 */
export async function limitResponseBody(request: Request, response: Response, limit: BodyLimit): Promise<Response> {
  if (response.body === null || limit.maxBytes === Number.POSITIVE_INFINITY) return response;
  const declared = response.headers.get('content-length');
  const tooLarge = () => {
    const url = redactUrl(request.url, limit.visibleQueryParameters);
    return new ApiError(
      `${limit.packageName}: ${request.method} ${url} answered ${response.status} with a body over maxResponseBytes (${limit.maxBytes} bytes); it was not read further.`,
      { status: response.status, method: request.method, url },
    );
  };
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) <= limit.maxBytes) return response;
    await response.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  let received = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limit.maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const { status, statusText, headers } = response;
  const limited = new Response(counted, { status, statusText, headers });
  // A constructed Response has no url; keep the real one for whoever reports on it.
  Object.defineProperty(limited, 'url', { value: response.url });
  return limited;
}
