import type { RecordShape } from './parse-record.js';

/**
 * A ticket as go~mus shows it to the calling token. Which fields arrive depends on the token (public, user, reseller);
 * every field but `id` may be missing, and fields this package does not know are kept as the server sent them.
 */
export interface GomusTicket {
  id: number;
  museum_id?: number | null;
  title?: string | null;
  description?: string | null;
  ticket_type?: string | null;
  price_cents?: number | null;
  /** Shown to reseller tokens. */
  reseller_price_cents?: number | null;
  vat_pct?: number | null;
  currency?: string | null;
  bookable?: boolean | null;
  min_persons?: number | null;
  max_persons?: number | null;
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

/** A museum as go~mus shows it to the calling token. */
export interface GomusMuseum {
  id: number;
  title?: string | null;
  street?: string | null;
  zip?: string | null;
  city?: string | null;
  country?: string | null;
  url?: string | null;
  time_zone?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

/** A customer record. `foreign_id` is your own id for it (see `createForeignId`). */
export interface GomusCustomer {
  id: number;
  foreign_id?: string | null;
  salutation?: string | null;
  title?: string | null;
  name?: string | null;
  surname?: string | null;
  email?: string | null;
  phone?: string | null;
  company?: string | null;
  street?: string | null;
  zip?: string | null;
  city?: string | null;
  country?: string | null;
  language?: string | null;
  newsletter?: boolean | null;
  birthday?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  [field: string]: unknown;
}

/** The fields of a customer you may send; go~mus validates them (422 → `ValidationError`). */
export type GomusCustomerInput = Partial<Omit<GomusCustomer, 'id' | 'created_at' | 'updated_at'>>;

/** `meta` of an index response. Each field may be missing. */
export interface GomusPageMeta {
  total_count?: number;
  page?: number;
  per_page?: number;
}

export const ticketShape: RecordShape = {
  fields: {
    id: 'integer',
    museum_id: 'integer',
    title: 'string',
    description: 'string',
    ticket_type: 'string',
    price_cents: 'number',
    reseller_price_cents: 'number',
    vat_pct: 'number',
    currency: 'string',
    bookable: 'boolean',
    min_persons: 'integer',
    max_persons: 'integer',
    created_at: 'string',
    updated_at: 'string',
  },
  required: ['id'],
};

export const museumShape: RecordShape = {
  fields: {
    id: 'integer',
    title: 'string',
    street: 'string',
    zip: 'string',
    city: 'string',
    country: 'string',
    url: 'string',
    time_zone: 'string',
    created_at: 'string',
    updated_at: 'string',
  },
  required: ['id'],
};

export const customerShape: RecordShape = {
  fields: {
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
  required: ['id'],
};

export const pageMetaShape: RecordShape = {
  fields: { total_count: 'integer', page: 'integer', per_page: 'integer' },
};

export const whoAmIShape: RecordShape = {
  fields: { access: 'string', museums: 'number[]' },
  required: ['access'],
};
