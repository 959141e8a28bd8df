import { ConfigError } from '@auth/core';
import { encodeSegment } from './create-resource-api.js';
import { endpointName, type GomusContext, readSingleRecord } from './gomus-context.js';
import { customerShape, type GomusCustomer, type GomusCustomerInput } from './gomus-records.js';
import { packageName } from './resolve-gomus-settings.js';

/** Customer helpers built on the `foreign_id` pattern: your own id addresses the go~mus record. */
export interface GomusCustomersApi {
  /**
   * `POST /api/v4/customers` with the fields flat in the body. Pass `foreign_id` (see `createForeignId`) to address the
   * customer by your own id later. A refused record is a `ValidationError` carrying the server's messages. Not retried
   * (POST is not idempotent).
   */
  create(customer: GomusCustomerInput): Promise<GomusCustomer>;
  /**
   * `PUT /api/v4/customers` with `foreign_id` in the flat body: updates the customer that carries it, no go~mus id
   * needed. `changes.foreign_id`, if present, is overridden by `foreignId`. 404 when no customer has it.
   */
  updateByForeignId(foreignId: string, changes: GomusCustomerInput): Promise<GomusCustomer>;
  /** `GET /api/v4/customers/:id`, where `:id` is the numeric go~mus id or your `foreign_id`. */
  get(idOrForeignId: number | string): Promise<GomusCustomer>;
}

export function createCustomersApi(context: GomusContext): GomusCustomersApi {
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
      const response = await context.api.post('customers', { json: requireObject(customer, 'customer') });
      return read(response, endpointName('POST', 'customers'));
    },
    async updateByForeignId(foreignId, changes) {
      if (typeof foreignId !== 'string' || foreignId.trim() === '') {
        throw new ConfigError(`${packageName}: foreignId must be a non-empty string.`, { option: 'foreignId' });
      }
      const response = await context.api.put('customers', {
        json: { ...requireObject(changes, 'changes'), foreign_id: foreignId },
      });
      return read(response, endpointName('PUT', 'customers'));
    },
    async get(idOrForeignId) {
      const response = await context.api.get(`customers/${encodeSegment(idOrForeignId, 'idOrForeignId')}`);
      return read(response, endpointName('GET', 'customers/:id'));
    },
  };
}

function requireObject(value: unknown, option: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${packageName}: ${option} must be an object of customer fields.`, { option });
  }
  return value as Record<string, unknown>;
}
