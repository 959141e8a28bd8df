import { ApiError } from '@auth/core';
import { integerOption, paginatePages } from '@auth/core/provider';
import type { FieldReporter } from './create-field-reporter.js';
import { endpointName, type GomusContext } from './gomus-context.js';
import { type GomusLocale, withLocale } from './gomus-locale.js';
import type { GomusPageMeta } from './gomus-records.js';
import { pageMetaShape } from './gomus-records.js';
import { isPlainObject, parseRecord } from './parse-record.js';
import { packageName } from './resolve-gomus-settings.js';

/** Options of `client.paginate` and the `all()` / `list()` helpers. */
export interface PaginateOptions {
  /** Extra query parameters, e.g. filters. `page` and `per_page` are set by the helper. @default none */
  searchParams?: Record<string, string | number | boolean>;
  /**
   * Items per page. Capped at 100, go~mus' maximum with a token; without a token go~mus serves at most 25 and the
   * helper follows the `per_page` the server reports. @default 100
   */
  perPage?: number;
  /** The first page to read. @default 1 */
  page?: number;
  /** The response field holding the items. @default the path's last segment, e.g. `tickets` for `tickets` */
  key?: string;
  /**
   * The most pages one iteration requests (a positive integer). When the server still reports more pages after that
   * many, the iteration throws an `ApiError` instead of requesting another: a server that always claims a next page
   * cannot keep it running forever. Raise it, or narrow the query with `searchParams`, for larger lists.
   * @default 10_000 (a million items at 100 per page)
   */
  maxPages?: number;
  /**
   * The answer's locale: `'de'` sends `locale=de`; `['de', 'en']` sends `locale[]=de&locale[]=en`, and go~mus then
   * answers every translatable field (e.g. `title`) as `{ de, en }`. @default the instance's default locale
   */
  locale?: GomusLocale;
  /** Stops the iteration and the request in flight; the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One page of an index endpoint. */
export interface GomusPage<T> {
  items: T[];
  meta: GomusPageMeta;
}

/** The largest `per_page` go~mus accepts. */
export const maxPerPage = 100;

/** `maxPages` when the caller sets none. */
export const defaultMaxPages = 10_000;

/** Reads one page of `path`; items that are not records, or lack a required field, are skipped and reported. */
export async function readPage<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): Promise<GomusPage<T>> {
  const { items, meta } = await fetchPage(context, path, options, parseItem);
  return { items, meta };
}

/**
 * Every item of an index endpoint, page after page, following `meta` (`total_count`, `page`, `per_page`). Stops after
 * the last page by `meta`, or, when `meta` is missing, at the first short or empty page. A page is requested only when
 * the previous one has been consumed.
 *
 * A server that does not page properly ends the iteration with an `ApiError` (after every item already read), never
 * with an endless loop: a page answered with another `meta.page` than the one asked for, a page with the very items of
 * the previous one (the server ignores `page`), or more than `maxPages` pages. A `meta.per_page` below 1 is ignored
 * (logged at warn). Once `options.signal` aborts, the iteration rejects with its reason and requests nothing more.
 */
export async function* paginate<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  const firstPage = integerOption(options.page ?? 1, 'page', 1, packageName);
  const requested = Math.min(integerOption(options.perPage ?? maxPerPage, 'perPage', 1, packageName), maxPerPage);
  const maxPages = integerOption(options.maxPages ?? defaultMaxPages, 'maxPages', 1, packageName);
  const endpoint = endpointName('GET', options.template ?? path);
  const url = `${context.apiUrl}/${options.template ?? path}`;
  yield* paginatePages<T>(
    async (index) => {
      const page = firstPage + index;
      const { items, meta, received, fingerprint, status } = await fetchPage(
        context,
        path,
        { ...options, page },
        parseItem,
      );
      const perPage = meta.per_page ?? requested;
      return {
        items,
        received,
        fingerprint,
        last: meta.total_count !== undefined ? page * perPage >= meta.total_count : received < perPage,
        position: `page ${page}`,
        problem:
          meta.page !== undefined && meta.page !== page
            ? `answered page ${meta.page} when asked for page ${page}`
            : undefined,
        fail: (detail) => new ApiError({ packageName, where: endpoint, detail, status, method: 'GET', url }),
      };
    },
    { maxPages, signal: options.signal },
  );
}

/**
 * One page, plus what the iteration needs: how many items the server sent before any was skipped (that decides
 * whether a page was short), the page's raw items as JSON (to recognise a page served twice) and the status.
 */
async function fetchPage<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): Promise<GomusPage<T> & { received: number; fingerprint: string; status: number }> {
  const page = integerOption(options.page ?? 1, 'page', 1, packageName);
  const perPage = Math.min(integerOption(options.perPage ?? maxPerPage, 'perPage', 1, packageName), maxPerPage);
  const key = options.key ?? path.split('/').pop() ?? path;
  const endpoint = endpointName('GET', options.template ?? path);
  const response = await context.api.get(path, {
    searchParams: withLocale({ ...options.searchParams, page, per_page: perPage }, options.locale),
    ...(options.signal && { signal: options.signal }),
  });
  const body: unknown = await response.json();
  const list = isPlainObject(body) ? body[key] : undefined;
  if (!Array.isArray(list)) {
    throw new ApiError({
      packageName,
      where: endpoint,
      detail: `answered ${response.status} without a "${key}" list`,
      status: response.status,
      method: 'GET',
      url: `${context.apiUrl}/${options.template ?? path}`,
    });
  }
  for (const field of Object.keys(body as object)) {
    if (field !== key && field !== 'meta') context.reporter.unknown(endpoint, field);
  }
  const meta = readMeta((body as Record<string, unknown>).meta, `${endpoint} meta`, context.reporter);
  const items: T[] = [];
  for (const item of list) {
    const parsed = parseItem(item, endpoint);
    if (parsed !== undefined) items.push(parsed);
  }
  return { items, meta, received: list.length, fingerprint: JSON.stringify(list), status: response.status };
}

// The least value each count of `meta` may take; below it (or null) the field is treated as missing, so that a
// `per_page: 0` is never divided by nor paged with.
const metaMinimums = { total_count: 0, page: 1, per_page: 1 } as const;

/** `meta`, tolerantly: unknown fields pass through (reported), counts of the wrong type or out of range are dropped. */
function readMeta(rawMeta: unknown, endpoint: string, reporter: FieldReporter): GomusPageMeta {
  if (rawMeta === undefined) return {};
  const meta = parseRecord(rawMeta, pageMetaShape, endpoint, reporter) ?? {};
  for (const [field, minimum] of Object.entries(metaMinimums)) {
    const value = meta[field];
    if (value === null) delete meta[field];
    if (typeof value !== 'number' || value >= minimum) continue;
    reporter.unexpected(endpoint, field, minimum === 0 ? 'non-negative integer' : 'positive integer', String(value));
    delete meta[field];
  }
  return meta as GomusPageMeta;
}
