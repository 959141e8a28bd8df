import { ConfigError } from '@auth/core';
import { endpointName, type GomusContext, readSingleRecord } from './gomus-context.js';
import { type GomusLocale, withLocale } from './gomus-locale.js';
import { type GomusPage, type PaginateOptions, paginate, readPage } from './paginate.js';
import { parseRecord, type RecordShape } from './parse-record.js';
import { packageName } from './resolve-gomus-settings.js';

/** Read helpers of an index resource (`tickets`, `museums`); answers depend on the token. */
export interface GomusResourceApi<T> {
  /** One page, with its `meta`. */
  list(options?: PaginateOptions): Promise<GomusPage<T>>;
  /** Every item, page after page. @example for await (const ticket of client.tickets.all()) console.log(ticket.title); */
  all(options?: Omit<PaginateOptions, 'key'>): AsyncGenerator<T, void, undefined>;
  /** One item by id, in `options.locale` when given. A 404 is an `ApiError` with status 404. */
  get(id: number | string, options?: { locale?: GomusLocale }): Promise<T>;
}

export function createResourceApi<T>(
  context: GomusContext,
  resource: { path: string; singular: string; shape: RecordShape },
): GomusResourceApi<T> {
  const parseItem = (item: unknown, endpoint: string) =>
    parseRecord(item, resource.shape, endpoint, context.reporter) as T | undefined;
  const itemEndpoint = endpointName('GET', `${resource.path}/:id`);
  return {
    list: (options = {}) => readPage(context, resource.path, options, parseItem),
    all: (options = {}) => paginate(context, resource.path, options, parseItem),
    async get(id, options = {}) {
      const response = await context.api.get(`${resource.path}/${encodeSegment(id, 'id')}`, {
        ...(options.locale !== undefined && { searchParams: withLocale(undefined, options.locale) }),
      });
      const body: unknown = await response.json();
      return readSingleRecord(context, body, resource.singular, resource.shape, itemEndpoint, response.status) as T;
    },
  };
}

/** A path segment from an id or foreign id; `/`, `?` and the like are escaped, an empty one is refused. */
export function encodeSegment(value: number | string, option: string): string {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ConfigError(`${packageName}: ${option} must be a non-empty string or an integer.`, { option });
  }
  return encodeURIComponent(text);
}
