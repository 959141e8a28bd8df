import { ApiError, ConfigError } from '@auth/core';
import { endpointName, type GomusContext } from './gomus-context.js';
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
  /** Stops the iteration and the request in flight. */
  signal?: AbortSignal;
}

/** One page of an index endpoint. */
export interface GomusPage<T> {
  items: T[];
  meta: GomusPageMeta;
}

/** The largest `per_page` go~mus accepts. */
export const maxPerPage = 100;

/** Reads one page of `path`; items that are not records, or lack a required field, are skipped and reported. */
export async function readPage<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): Promise<GomusPage<T>> {
  const page = positiveInteger(options.page ?? 1, 'page');
  const perPage = Math.min(positiveInteger(options.perPage ?? maxPerPage, 'perPage'), maxPerPage);
  const key = options.key ?? path.split('/').pop() ?? path;
  const endpoint = endpointName('GET', options.template ?? path);
  const response = await context.api.get(path, {
    searchParams: { ...options.searchParams, page, per_page: perPage },
    ...(options.signal && { signal: options.signal }),
  });
  const body: unknown = await response.json();
  const list = isPlainObject(body) ? body[key] : undefined;
  if (!Array.isArray(list)) {
    throw new ApiError(`${packageName}: ${endpoint} answered ${response.status} without a "${key}" list.`, {
      status: response.status,
      method: 'GET',
      url: `${context.apiUrl}/${options.template ?? path}`,
    });
  }
  for (const field of Object.keys(body as object)) {
    if (field !== key && field !== 'meta') context.reporter.unknown(endpoint, field);
  }
  const rawMeta = (body as Record<string, unknown>).meta;
  const meta =
    (rawMeta === undefined ? {} : parseRecord(rawMeta, pageMetaShape, `${endpoint} meta`, context.reporter)) ?? {};
  const items: T[] = [];
  for (const item of list) {
    const parsed = parseItem(item, endpoint);
    if (parsed !== undefined) items.push(parsed);
  }
  return { items, meta: meta as GomusPageMeta };
}

/**
 * Every item of an index endpoint, page after page, following `meta` (`total_count`, `page`, `per_page`). Stops after
 * the last page by `meta`, or, when `meta` is missing, at the first short or empty page. A page is requested only when
 * the previous one has been consumed.
 */
export async function* paginate<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): AsyncGenerator<T, void, undefined> {
  let page = positiveInteger(options.page ?? 1, 'page');
  const requested = Math.min(positiveInteger(options.perPage ?? maxPerPage, 'perPage'), maxPerPage);
  for (;;) {
    const { items, meta, received } = await readCounted(context, path, { ...options, page }, parseItem);
    yield* items;
    if (received === 0) return;
    if (meta.page !== undefined && meta.page !== page) return; // the server ignores `page`: do not loop forever
    const perPage = meta.per_page ?? requested;
    if (meta.total_count !== undefined ? page * perPage >= meta.total_count : received < perPage) return;
    page += 1;
  }
}

/** `readPage`, plus how many items the server sent before any was skipped (that decides whether a page was short). */
async function readCounted<T>(
  context: GomusContext,
  path: string,
  options: PaginateOptions & { template?: string },
  parseItem: (item: unknown, endpoint: string) => T | undefined,
): Promise<GomusPage<T> & { received: number }> {
  let received = 0;
  const page = await readPage(context, path, options, (item, endpoint) => {
    received += 1;
    return parseItem(item, endpoint);
  });
  return { ...page, received };
}

function positiveInteger(value: unknown, option: string): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new ConfigError(`${packageName}: ${option} must be a positive integer.`, { option });
  }
  return value as number;
}
