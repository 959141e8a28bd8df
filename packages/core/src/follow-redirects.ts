import { discardBody } from './discard-body.js';
import type { ErrorContext } from './errors/api-error.js';
import { RedirectError } from './errors/redirect-error.js';

export interface RedirectRules extends ErrorContext {
  /** Follow same-origin redirects (API calls); false refuses every redirect (token requests). */
  follow: boolean;
}

/** fetch's own limit is 20; a real API needs one or two. */
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** True for the statuses fetch would follow (301, 302, 303, 307, 308). */
export function isRedirect(status: number): boolean {
  return redirectStatuses.has(status);
}

/**
 * Handles a redirect answer here rather than in fetch, which would carry the body (and, in some runtimes, the
 * Authorization header) to whatever origin a server names. Requests are sent with `redirect: 'manual'`; given the first
 * answer, a same-origin redirect is followed with fetch's method rules (303, and 301/302 after a POST, become a GET
 * without body; 307/308 resend `spare`, an unsent copy of the request); a redirect to another origin (https to http
 * included), any redirect when `follow` is off, and a sixth hop are a `RedirectError` naming the target's origin only.
 * Nothing is sent to a refused target. An answer without `Location` is returned as it is.
 */
export async function followRedirects(
  fetch: (request: Request, init?: RequestInit) => Promise<Response>,
  request: Request,
  response: Response,
  spare: Request | undefined,
  init: RequestInit | undefined,
  rules: RedirectRules,
): Promise<Response> {
  let current = request;
  let answer = response;
  let copy = spare;
  for (let hop = 0; isRedirect(answer.status); hop++) {
    const location = answer.headers.get('location');
    if (location === null) return answer;
    const target = URL.canParse(location, current.url) ? new URL(location, current.url) : undefined;
    discardBody(answer);
    const why = refusal(rules.follow, hop, current.url, target);
    if (why !== undefined) {
      const { follow: _follow, ...context } = rules;
      const locationOrigin = target?.origin ?? 'an unreadable Location';
      throw new RedirectError({
        ...context,
        status: answer.status,
        method: current.method,
        url: current.url,
        locationOrigin,
        detail: `answered ${answer.status} redirecting to ${locationOrigin}; not followed: ${why}`,
      });
    }
    const toGet = answer.status === 303 ? current.method !== 'HEAD' : answer.status <= 302 && current.method === 'POST';
    const headers = new Headers(current.headers);
    if (toGet) for (const name of bodyHeaders) headers.delete(name);
    const body = toGet ? null : (copy?.body ?? null);
    current = new Request(
      target as URL,
      {
        method: toGet ? 'GET' : current.method,
        headers,
        body,
        signal: current.signal,
        redirect: 'manual',
        ...(body === null ? {} : { duplex: 'half' }),
      } as RequestInit,
    );
    copy = body === null ? undefined : current.clone();
    answer = await fetch(current, init);
  }
  return answer;
}

/** Why a redirect is not followed, or undefined when it may be. */
function refusal(follow: boolean, hop: number, from: string, target: URL | undefined): string | undefined {
  if (!follow) return 'token requests never follow redirects';
  if (target === undefined) return 'the Location header is not a URL';
  const origin = new URL(from);
  if (target.origin !== origin.origin) {
    return origin.protocol === 'https:' && target.protocol === 'http:'
      ? 'https never downgrades to http'
      : 'credentials never leave the configured origin';
  }
  if (hop >= maxRedirects) return `more than ${maxRedirects} redirects`;
  return undefined;
}
