import { RedirectError } from './errors/redirect-error.js';
import { redactUrl } from './redact-url.js';

export interface RedirectRules {
  /** Follow same-origin redirects (API calls); false refuses every redirect (token requests). */
  follow: boolean;
  packageName: string;
  visibleQueryParameters?: readonly string[] | undefined;
}

/** As many hops as fetch's own limit allows would be 20; a real API needs one or two. */
const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * Sends `request` with redirects handled here rather than by fetch, which would carry the body (and, in some
 * runtimes, the Authorization header) to whatever origin a server names. A same-origin redirect is followed with
 * fetch's method rules (303, and 301/302 after a POST, become a GET without body); a redirect to another origin
 * (including https to http), any redirect when `follow` is off, and a sixth hop are a `RedirectError` that names the
 * target's origin only. Nothing is sent to a refused target.
 */
export async function sendFollowingRedirects(
  fetch: (request: Request, init?: RequestInit) => Promise<Response>,
  request: Request,
  init: RequestInit | undefined,
  rules: RedirectRules,
): Promise<Response> {
  let current = request.redirect === 'manual' ? request : new Request(request, { redirect: 'manual' });
  // A 307/308 resends the body: keep an unsent copy, only for the rare request that has one.
  let spare = rules.follow && current.body !== null ? current.clone() : undefined;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, init);
    if (!redirectStatuses.has(response.status)) return response;
    const location = response.headers.get('location');
    if (location === null) return response;
    const target = URL.canParse(location, current.url) ? new URL(location, current.url) : undefined;
    const why = refusal(rules.follow, hop, current.url, target);
    if (why !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      const url = redactUrl(current.url, rules.visibleQueryParameters);
      const locationOrigin = target?.origin ?? 'an unreadable Location';
      throw new RedirectError(
        `${rules.packageName}: ${current.method} ${url} answered ${response.status} redirecting to ${locationOrigin}; not followed: ${why}.`,
        { status: response.status, method: current.method, url, locationOrigin },
      );
    }
    await response.body?.cancel().catch(() => undefined);
    const toGet =
      response.status === 303 ? current.method !== 'HEAD' : response.status <= 302 && current.method === 'POST';
    const headers = new Headers(current.headers);
    if (toGet) for (const name of bodyHeaders) headers.delete(name);
    const body = toGet ? null : (spare?.body ?? null);
    const next = new Request(
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
    spare = body !== null ? next.clone() : undefined;
    current = next;
  }
}

/** Why a redirect is not followed, or undefined when it may be. */
function refusal(follow: boolean, hop: number, from: string, target: URL | undefined): string | undefined {
  if (!follow) return 'token requests never follow redirects';
  if (target === undefined) return 'the Location header is not a URL';
  if (target.origin !== new URL(from).origin) {
    return new URL(from).protocol === 'https:' && target.protocol === 'http:'
      ? 'https never downgrades to http'
      : 'credentials never leave the configured origin';
  }
  if (hop >= maxRedirects) return `more than ${maxRedirects} redirects`;
  return undefined;
}
