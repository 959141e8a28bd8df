import { ApiError, type ErrorContext } from './errors/api-error.js';

/** ky's `parseJson`: an empty or invalid body is an `ApiError` that names the exchange, never a raw SyntaxError. */
export function createJsonParser(context: ErrorContext) {
  return (text: string, { request, response }: { request: Request; response: Response }): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      // JSON.parse quotes the text it chokes on, and the text may hold a token: say only what went wrong.
      const what = text === '' ? 'an empty body' : 'a body that is not valid JSON';
      throw new ApiError({
        ...context,
        status: response.status,
        method: request.method,
        url: request.url,
        detail: `answered ${response.status} with ${what}`,
      });
    }
  };
}
