import { ApiError, AuthError } from '@auth/core';
import {
  captureLogger,
  type EmulatorHandle,
  findLeakedSecrets,
  gomusTestTokens,
  startGomusEmulator,
} from '@auth/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createForeignId } from './create-foreign-id.js';
import { createGomusClient, type GomusClient } from './create-gomus-client.js';
import { failureCollector } from './test-support/failure-collector.js';
import { ValidationError } from './validation-error.js';

const logger = captureLogger();
const errors: unknown[] = [];
let gomus: EmulatorHandle;
let client: GomusClient;

beforeEach(async () => {
  gomus = await startGomusEmulator();
  client = createGomusClient({ baseUrl: gomus.url, token: gomusTestTokens.user, logger });
});
afterEach(() => gomus.close());
afterAll(() => {
  expect(errors.length).toBeGreaterThan(2);
  expect(findLeakedSecrets([gomusTestTokens.user], logger.records, errors)).toEqual([]);
});

const failure = failureCollector(errors);

describe('the foreign_id pattern', () => {
  it('creates with a foreign_id, updates by it, and reads by it and by the go~mus id', async () => {
    const foreignId = createForeignId({ prefix: 'crm-customer-' });
    const created = await client.customers.create({
      name: 'Max',
      surname: 'Mustermann',
      email: 'max@example.com',
      foreign_id: foreignId,
    });
    expect(created).toMatchObject({ name: 'Max', surname: 'Mustermann', foreign_id: foreignId, phone: null });
    expect(Number.isInteger(created.id)).toBe(true);

    const updated = await client.customers.updateByForeignId(foreignId, { phone: '+49 30 1234567' });
    expect(updated).toMatchObject({ id: created.id, phone: '+49 30 1234567', email: 'max@example.com' });

    const byForeignId = await client.customers.get(foreignId);
    const byId = await client.customers.get(created.id);
    expect(byForeignId).toEqual(byId);
    expect(byForeignId).toMatchObject({ id: created.id, foreign_id: foreignId, phone: '+49 30 1234567' });

    // What went over the wire: the seed's flat bodies, the foreign_id in the PUT body, the id or foreign_id in the path.
    expect(gomus.requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      {
        method: 'POST',
        path: '/api/v4/customers',
        body: { name: 'Max', surname: 'Mustermann', email: 'max@example.com', foreign_id: foreignId },
      },
      { method: 'PUT', path: '/api/v4/customers', body: { phone: '+49 30 1234567', foreign_id: foreignId } },
      { method: 'GET', path: `/api/v4/customers/${foreignId}`, body: undefined },
      { method: 'GET', path: `/api/v4/customers/${created.id}`, body: undefined },
    ]);
  });

  it('surfaces a 422 as a ValidationError with the server messages, sent once', async () => {
    const error = await failure(client.customers.create({ surname: 'Mustermann', email: 'not-an-email' }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(ApiError.isInstance(error)).toBe(true);
    expect(AuthError.isInstance(error)).toBe(true);
    const validation = error as ValidationError;
    expect(validation.status).toBe(422);
    expect(validation.summary).toBe('customer could not be saved');
    expect(validation.errors).toEqual(["Name can't be blank", 'Email is invalid']);
    expect(validation.message).toBe(
      `@auth/gomus: POST ${gomus.url}/api/v4/customers was refused with 422: customer could not be saved: Name can't be blank; Email is invalid.`,
    );
    expect(gomus.requests).toHaveLength(1);
  });

  it('keeps the query the client shows visible in a ValidationError, and hides the rest', async () => {
    const error = await failure(
      client.api.post('customers', {
        searchParams: { 'locale[]': 'de', token: 'order-token-secret' },
        json: { surname: 'Mustermann', email: 'not-an-email' },
      }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    const { url, message } = error as ValidationError;
    // locale[] is shown by every go~mus client, as in its ApiErrors and log records; a token never is.
    expect(url).toBe(`${gomus.url}/api/v4/customers?locale%5B%5D=de&token=[REDACTED]`);
    expect(message).toContain(url);
    expect(message).not.toContain('order-token-secret');
  });

  it('reports a foreign_id already taken, and an update that empties a required field', async () => {
    const foreignId = createForeignId();
    await client.customers.create({ name: 'Erika', email: 'erika@example.com', foreign_id: foreignId });
    const duplicate = await failure(
      client.customers.create({ name: 'Eve', email: 'eve@example.com', foreign_id: foreignId }),
    );
    expect((duplicate as ValidationError).errors).toEqual(['Foreign has already been taken']);

    const emptied = await failure(client.customers.updateByForeignId(foreignId, { email: '' }));
    expect(ValidationError.isInstance(emptied)).toBe(true);
    expect((emptied as ValidationError).errors).toEqual(["Email can't be blank"]);
    expect(await client.customers.get(foreignId)).toMatchObject({ email: 'erika@example.com' });
  });

  it('answers 404 as an ApiError for a foreign_id nobody has', async () => {
    const missing = await failure(client.customers.updateByForeignId(createForeignId(), { phone: '1' }));
    expect(ValidationError.isInstance(missing)).toBe(false);
    expect((missing as ApiError).status).toBe(404);
    const notFound = await failure(client.customers.get('crm-unknown/../1'));
    expect((notFound as ApiError).status).toBe(404);
    // The id is one path segment, escaped: it cannot walk to another resource.
    expect(gomus.requests.at(-1)?.path).toBe('/api/v4/customers/crm-unknown%2F..%2F1');
  });
});

describe('createForeignId', () => {
  it('returns UUIDs from a CSPRNG, with an optional prefix', () => {
    const ids = Array.from({ length: 1000 }, () => createForeignId());
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createForeignId({ prefix: 'crm-customer-' })).toMatch(/^crm-customer-[0-9a-f-]{36}$/);
    expect(() => createForeignId({ prefix: 'a/b' })).toThrow(/prefix/);
  });
});
