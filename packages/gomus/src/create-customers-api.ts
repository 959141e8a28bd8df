import { ConfigError } from '@auth/core';
import { encodeSegment } from './create-resource-api.js';
import type { GomusCustomerUpdateRequest } from './gomus-client-options.js';
import { endpointName, type GomusContext, readSingleRecord } from './gomus-context.js';
import { type GomusLocale, withLocale } from './gomus-locale.js';
import { customerShape, type GomusCustomer, type GomusCustomerInput } from './gomus-records.js';
import { packageName } from './resolve-gomus-settings.js';

/** Customer helpers built on the `foreign_id` pattern: your own id addresses the go~mus record. */
export interface GomusCustomersApi {
  /**
   * `POST /api/v4/customers` with the fields flat in the body. Pass `foreign_id` (see `createForeignId`) to address the
   * customer by your own id later; an all-digit one is refused (`ConfigError`): go~mus would read it as a numeric id.
   * A refused record is a `ValidationError` carrying the server's messages. Not retried (POST is not idempotent).
   */
  create(customer: GomusCustomerInput): Promise<GomusCustomer>;
  /**
   * Updates the customer that carries `foreignId`, no go~mus id needed: `PUT /api/v4/customers` with `foreign_id` in the
   * flat body (the seed's form, the default), or `PUT /api/v4/customers/:foreign_id` with `{"customer": {...}}` (the
   * customers API page's form) with the client option `customerUpdateRequest: 'by-id'`. `changes.foreign_id`, if
   * present, is overridden by `foreignId`. An all-digit `foreignId` is refused (`ConfigError`). 404 when no customer
   * has it.
   */
  updateByForeignId(foreignId: string, changes: GomusCustomerInput): Promise<GomusCustomer>;
  /**
   * `GET /api/v4/customers/:id`, where `:id` is the numeric go~mus id or your `foreign_id`. go~mus tries the numeric
   * id first, which is why a `foreign_id` must never be made of digits only.
   */
  get(idOrForeignId: number | string, options?: { locale?: GomusLocale }): Promise<GomusCustomer>;
}

export function createCustomersApi(
  context: GomusContext,
  updateRequest: GomusCustomerUpdateRequest,
): GomusCustomersApi {
  const read = async (response: Response, endpoint: string) =>
    readSingleRecord(
      context,
      await response.json(),
      'customer',
      customerShape,
      endpoint,
      response.status,
    ) as GomusCustomer;

  return {
    async create(customer) {
      const fields = requireObject(customer, 'customer');
      if (fields.foreign_id != null) checkForeignId(fields.foreign_id, 'foreign_id');
      const response = await context.api.post('customers', { json: fields });
      return read(response, endpointName('POST', 'customers'));
    },
    async updateByForeignId(foreignId, changes) {
      checkForeignId(foreignId, 'foreignId');
      const fields = { ...requireObject(changes, 'changes'), foreign_id: foreignId };
      if (updateRequest === 'by-id') {
        const response = await context.api.put(`customers/${encodeSegment(foreignId, 'foreignId')}`, {
          json: { customer: fields },
        });
        return read(response, endpointName('PUT', 'customers/:id'));
      }
      const response = await context.api.put('customers', { json: fields });
      return read(response, endpointName('PUT', 'customers'));
    },
    async get(idOrForeignId, options = {}) {
      const response = await context.api.get(`customers/${encodeSegment(idOrForeignId, 'idOrForeignId')}`, {
        ...(options.locale !== undefined && { searchParams: withLocale(undefined, options.locale) }),
      });
      return read(response, endpointName('GET', 'customers/:id'));
    },
  };
}

/**
 * A foreign_id must be a non-empty string with something besides digits: go~mus looks `/customers/:id` up by the
 * numeric id first, so `"1042"` would address the customer whose go~mus id is 1042, whoever carries the foreign_id.
 */
function checkForeignId(value: unknown, option: string): void {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigError(`${packageName}: ${option} must be a non-empty string.`, { option });
  }
  const text = String(value).trim();
  if (text === '') throw new ConfigError(`${packageName}: ${option} must be a non-empty string.`, { option });
  if (/^\d+$/.test(text)) {
    throw new ConfigError(
      `${packageName}: ${option} must not be made of digits only: go~mus reads /customers/:id as a numeric id first, so it could address another customer. Use createForeignId(), or a prefix such as 'crm-'.`,
      { option },
    );
  }
}

function requireObject(value: unknown, option: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${packageName}: ${option} must be an object of customer fields.`, { option });
  }
  return value as Record<string, unknown>;
}
