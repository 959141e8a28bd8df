import { ApiError } from '@auth/core';
import { integerOption, paginatePages } from '@auth/core/provider';
import type { KyInstance } from 'ky';
import { packageName } from './package-name.js';
import { unwrapEnvelope } from './unwrap-envelope.js';

/** Options of `musimap.paginate`. */
export interface MusimapPaginateOptions {
  /** Extra query parameters, e.g. `catalog_id`. `limit` and `offset` are set by the iterator. @default none */
  searchParams?: Record<string, string | number | boolean>;
  /** Items asked for per page (`limit`). @default 100 */
  limit?: number;
  /** The offset of the first item. @default 0 */
  offset?: number;
  /**
   * The most pages one iteration requests (a positive integer). When the server still reports more after that many,
   * the iteration throws an `ApiError` instead of requesting another: a server that always claims more cannot keep it
   * running forever. @default 10_000
   */
  maxPages?: number;
  /** Stops the iteration and the request in flight; the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Every item of a Musimap list, page after page: `limit`/`offset` requests, the envelope unwrapped, the next page
 * asked for only when the previous one has been consumed. Stops at `total_size`, or without it at the first page
 * shorter than `limit`, or at an empty one. A server that does not page properly ends the iteration with an `ApiError`
 * (after every item read before), never an endless loop: a page at another `offset` than asked, the very items of the
 * previous page, or more than `maxPages` pages.
 */
export async function* paginateMusimap<T>(
  api: KyInstance,
  path: string,
  options: MusimapPaginateOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = integerOption(options.limit ?? 100, 'limit', 1, packageName);
  const maxPages = integerOption(options.maxPages ?? 10_000, 'maxPages', 1, packageName);
  let offset = integerOption(options.offset ?? 0, 'offset', 0, packageName);
  const { signal } = options;
  yield* paginatePages<T>(
    async () => {
      const response = await api.get(path.replace(/^\/+/, ''), {
        searchParams: { ...options.searchParams, limit, offset },
        ...(signal && { signal }),
      });
      const envelope = unwrapEnvelope<unknown>(await response.json());
      const fail = (detail: string) =>
        new ApiError({ packageName, method: 'GET', url: response.url, status: response.status, detail });
      if (!Array.isArray(envelope.data)) throw fail(`answered ${response.status} without a data list`);
      const items = envelope.data as T[];
      const asked = offset;
      offset += items.length;
      return {
        items,
        received: items.length,
        fingerprint: JSON.stringify(items),
        last: envelope.totalSize !== undefined ? offset >= envelope.totalSize : items.length < limit,
        position: `offset ${asked}`,
        problem:
          envelope.offset !== undefined && envelope.offset !== asked
            ? `answered offset ${envelope.offset} when asked for ${asked}`
            : undefined,
        fail,
      };
    },
    { maxPages, signal },
  );
}
