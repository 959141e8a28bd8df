import { ApiError } from '@auth/core';
import { integerOption, paginatePages } from '@auth/core/provider';
import type { KyInstance } from 'ky';
import { packageName } from './resolve-musement-settings.js';

/** Options of `paginateMusement` (and `musement.paginate`). */
export interface MusementPaginateOptions {
  /** Extra query parameters, e.g. filters. `limit` and `offset` are set by the iterator. @default none */
  searchParams?: Record<string, string | number | boolean>;
  /**
   * Items asked for per page (`limit`), at most 100 (Musement's maximum): a page shorter than this is the last one, so
   * it must not be more than the server serves. @default 100
   */
  limit?: number;
  /** The offset of the first item. Most lists start at 0; the few that start at 1 need `offset: 1`. @default 0 */
  offset?: number;
  /**
   * The most pages one iteration requests (a positive integer). When every page is full after that many, the
   * iteration throws an `ApiError` instead of requesting another: a server that never answers a short page cannot keep
   * it running forever. @default 10_000
   */
  maxPages?: number;
  /** Stops the iteration and the request in flight; the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Musement's largest `limit`. */
const maxLimit = 100;

/**
 * Every item of a Musement list, page after page: `limit`/`offset` requests on `api` (a Musement client's ky
 * instance), the next page asked for only when the previous one has been consumed. Musement reports no total: the
 * iteration ends at the first page shorter than `limit`, or an empty one. A page is a JSON array, or an object whose
 * `data` is one. A server that does not page properly ends the iteration with an `ApiError` (after every item read
 * before), never an endless loop: a page with the very items of the previous one (the server ignores `offset`), or
 * more than `maxPages` full pages.
 *
 * @example
 * for await (const city of paginateMusement<City>(musement.api, 'cities', { limit: 50 })) console.log(city.name);
 */
export async function* paginateMusement<T = unknown>(
  api: KyInstance,
  path: string,
  options: MusementPaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = Math.min(integerOption(options.limit ?? maxLimit, 'limit', 1, packageName), maxLimit);
  const maxPages = integerOption(options.maxPages ?? 10_000, 'maxPages', 1, packageName);
  let offset = integerOption(options.offset ?? 0, 'offset', 0, packageName);
  const { signal } = options;
  yield* paginatePages<T>(
    async () => {
      const response = await api.get(String(path).replace(/^\/+/, ''), {
        searchParams: { ...options.searchParams, limit, offset },
        ...(signal && { signal }),
      });
      const body: unknown = await response.json();
      const fail = (detail: string) =>
        new ApiError({ packageName, method: 'GET', url: response.url, status: response.status, detail });
      const list = Array.isArray(body) ? body : (body as { data?: unknown } | null)?.data;
      if (!Array.isArray(list)) throw fail(`answered ${response.status} without a list (an array, or one in data)`);
      const position = `offset ${offset}`;
      offset += list.length;
      const fingerprint = JSON.stringify(list);
      return { items: list as T[], received: list.length, fingerprint, last: list.length < limit, position, fail };
    },
    { maxPages, signal },
  );
}
