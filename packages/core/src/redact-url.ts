/** The placeholder that replaces every secret. */
export const REDACTED = '[REDACTED]';

/** Query parameters whose values are shown in logs and errors; every other value is replaced by `[REDACTED]`. */
export const defaultVisibleQueryParameters: readonly string[] = Object.freeze([
  'page',
  'per_page',
  'limit',
  'offset',
  'sort',
  'order',
  'grant_type',
  'locale',
  'lang',
  'currency',
]);

/**
 * Returns `url` with userinfo removed and every query value outside `visible` replaced by `[REDACTED]`.
 * Allow-list, not deny-list: a secret under a name we never heard of stays hidden.
 */
export function redactUrl(url: string, visible: readonly string[] = defaultVisibleQueryParameters): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  if (parsed.search === '') return parsed.href;
  const query = [...parsed.searchParams]
    .map(
      ([name, value]) => `${encodeURIComponent(name)}=${visible.includes(name) ? encodeURIComponent(value) : REDACTED}`,
    )
    .join('&');
  return `${parsed.origin}${parsed.pathname}?${query}`;
}
