import { defineShape, type RecordOf } from './parse-record.js';

// Each record is declared once, as the runtime shape `parseRecord` checks; its TypeScript type is derived from it.
// Every field but the required ones may be missing or null, and fields this package does not know are kept as the
// server sent them.

/** A ticket as go~mus shows it to the calling token. Which fields arrive depends on the token (public, user, reseller). */
export const ticketShape = defineShape(
  {
    id: 'integer',
    museum_id: 'integer',
    /** A string, or `{ de, en }` when several locales are asked for. */
    title: 'translatable',
    /** A string, or `{ de, en }` when several locales are asked for. */
    description: 'translatable',
    ticket_type: 'string',
    price_cents: 'number',
    /** Shown to reseller tokens. */
    reseller_price_cents: 'number',
    vat_pct: 'number',
    currency: 'string',
    bookable: 'boolean',
    min_persons: 'integer',
    max_persons: 'integer',
    created_at: 'string',
    updated_at: 'string',
  },
  ['id'],
);
export type GomusTicket = RecordOf<typeof ticketShape>;

/** A museum as go~mus shows it to the calling token. */
export const museumShape = defineShape(
  {
    id: 'integer',
    /** A string, or `{ de, en }` when several locales are asked for. */
    title: 'translatable',
    street: 'string',
    zip: 'string',
    city: 'string',
    country: 'string',
    url: 'string',
    time_zone: 'string',
    created_at: 'string',
    updated_at: 'string',
  },
  ['id'],
);
export type GomusMuseum = RecordOf<typeof museumShape>;

/** A customer record. `foreign_id` is your own id for it (see `createForeignId`). */
export const customerShape = defineShape(
  {
    id: 'integer',
    foreign_id: 'string',
    salutation: 'string',
    title: 'string',
    name: 'string',
    surname: 'string',
    email: 'string',
    phone: 'string',
    company: 'string',
    street: 'string',
    zip: 'string',
    city: 'string',
    country: 'string',
    language: 'string',
    newsletter: 'boolean',
    birthday: 'string',
    created_at: 'string',
    updated_at: 'string',
  },
  ['id'],
);
export type GomusCustomer = RecordOf<typeof customerShape>;

/** The fields of a customer you may send; go~mus validates them (422 → `ValidationError`). */
export type GomusCustomerInput = Partial<
  Omit<RecordOf<typeof customerShape, false>, 'id' | 'created_at' | 'updated_at'>
> & {
  [field: string]: unknown;
};

/** `meta` of an index response. Each field may be missing. */
export const pageMetaShape = defineShape({ total_count: 'integer', page: 'integer', per_page: 'integer' });
export type GomusPageMeta = { [K in keyof typeof pageMetaShape.fields]?: number };

export const whoAmIShape = defineShape({ access: 'string', museums: 'number[]' }, ['access']);

/** `GET /api/v4/version`, answered without a token. */
export const versionShape = defineShape(
  {
    system: 'string',
    /** The API version, e.g. `4.4`. */
    api: 'string',
    release: 'string',
    time: 'string',
    zone: 'string',
    currency: 'string',
    per_page: 'integer',
  },
  ['api'],
);
export type GomusVersion = RecordOf<typeof versionShape>;
