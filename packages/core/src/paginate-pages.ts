import type { ApiError } from './errors/api-error.js';

/** One page as a provider reads it, for `paginatePages`. */
export interface ReadPage<T> {
  /** The items to hand out (a provider may have dropped malformed ones). */
  items: readonly T[];
  /** How many items the server sent before any was dropped: 0 ends the iteration. */
  received: number;
  /** The page's items as received, serialised: the same value twice in a row is a page served twice. */
  fingerprint: string;
  /** The last page by the provider's rules (a total reached, a short page). */
  last: boolean;
  /** Where the page is, in the provider's words: `page 3`, `offset 200`. */
  position: string;
  /** Something the page says that cannot be right (another page than asked for); ends the iteration with it. */
  problem?: string | undefined;
  /** The `ApiError` naming this exchange, with `detail`. */
  fail(detail: string): ApiError;
}

export interface PaginatePagesOptions {
  /** The most pages one iteration reads before it fails instead of asking for another. */
  maxPages: number;
  /** Checked before each request and each item handed out. */
  signal?: AbortSignal | undefined;
}

/**
 * The one page loop every provider's paginator runs: reads page after page with `read` (called with 0, 1, 2, …, only
 * once the previous page has been consumed), hands out each item, and ends at the last page. A server that does not
 * page properly ends it with an `ApiError` after every item read before, never an endless loop: a page that says
 * something impossible (`problem`), the very items of the previous page, or more than `maxPages` pages. An abort of
 * `signal` rejects the iteration with its reason and requests nothing more.
 */
export async function* paginatePages<T>(
  read: (index: number) => Promise<ReadPage<T>>,
  { maxPages, signal }: PaginatePagesOptions,
): AsyncGenerator<T, void, undefined> {
  let previous: string | undefined;
  for (let index = 0; ; index++) {
    signal?.throwIfAborted();
    const page = await read(index);
    if (page.received === 0) return;
    if (page.problem !== undefined) throw page.fail(`${page.problem}; stopped to avoid an endless loop`);
    if (page.fingerprint === previous) {
      throw page.fail(
        `answered ${page.position} with the items of the previous page; stopped to avoid an endless loop`,
      );
    }
    for (const item of page.items) {
      // The caller may abort while it handles an item: the rest of the page is not handed out.
      signal?.throwIfAborted();
      yield item;
    }
    if (page.last) return;
    if (index + 1 >= maxPages) {
      throw page.fail(
        `has more pages than maxPages (${maxPages}) allows; stopped after ${page.position}. Raise maxPages or narrow the query`,
      );
    }
    previous = page.fingerprint;
  }
}
