import type { FieldReporter } from './create-field-reporter.js';

/** The type a known field should have. `null` is accepted for every field but a required one. */
export type FieldKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'number[]'
  | 'string[]'
  | 'object'
  | 'array'
  | 'translatable'
  | 'any';

/** The fields this package knows in one kind of record. */
export interface RecordShape {
  fields: Readonly<Record<string, FieldKind>>;
  /** Fields without which the record is useless (e.g. `id`). @default none */
  required?: readonly string[];
}

/** What each kind of field holds in TypeScript. */
interface FieldTypes {
  string: string;
  number: number;
  integer: number;
  boolean: boolean;
  'number[]': number[];
  'string[]': string[];
  object: Record<string, unknown>;
  array: unknown[];
  translatable: GomusTranslatable;
  any: unknown;
}

/**
 * A text go~mus translates: a string in one locale (the default, or `locale: 'de'`), or, when several locales are
 * asked for (`locale: ['de', 'en']`), an object with one entry per locale (`null` where the instance has none).
 */
export type GomusTranslatable = string | { readonly [locale: string]: string | null };

/** A shape whose field names and kinds stay literal, so that `RecordOf` can derive the record's type from it. */
export function defineShape<
  const Fields extends Record<string, FieldKind>,
  const Required extends readonly (keyof Fields & string)[] = [],
>(fields: Fields, required?: Required): { fields: Fields; required: Required } {
  return { fields, required: (required ?? []) as Required };
}

type ShapeDefinition = { fields: Record<string, FieldKind>; required: readonly string[] };

/**
 * The record type a shape describes: required fields always there, the others optional or null, and (with `open`,
 * the default) any field the package does not know.
 */
export type RecordOf<Shape extends ShapeDefinition, Open extends boolean = true> = {
  [K in keyof Shape['fields'] & Shape['required'][number]]: FieldTypes[Shape['fields'][K]];
} & {
  [K in Exclude<keyof Shape['fields'], Shape['required'][number]>]?: FieldTypes[Shape['fields'][K]] | null;
} & (Open extends true ? { [field: string]: unknown } : unknown);

/**
 * Reads a record tolerantly: unknown fields are passed through and reported, known fields with another type are
 * dropped and reported, missing optional fields stay missing. Returns undefined (after reporting) only when the value
 * is not an object or a required field is unusable. Never throws.
 */
export function parseRecord(
  value: unknown,
  shape: RecordShape,
  endpoint: string,
  reporter: FieldReporter,
): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) {
    reporter.unexpected(endpoint, '(record)', 'object', describe(value));
    return undefined;
  }
  const record: Record<string, unknown> = {};
  for (const [field, fieldValue] of Object.entries(value)) {
    const kind = shape.fields[field];
    if (kind === undefined) {
      reporter.unknown(endpoint, field);
      record[field] = fieldValue;
    } else if ((fieldValue === null && !shape.required?.includes(field)) || matches(fieldValue, kind)) {
      record[field] = fieldValue;
    } else {
      reporter.unexpected(endpoint, field, kind, describe(fieldValue));
    }
  }
  for (const field of shape.required ?? []) {
    if (record[field] === undefined || record[field] === null) {
      reporter.missing(endpoint, field);
      return undefined;
    }
  }
  return record;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matches(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'string':
    case 'boolean':
      return typeof value === kind;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'number');
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'translatable':
      return (
        typeof value === 'string' ||
        (isPlainObject(value) && Object.values(value).every((text) => typeof text === 'string' || text === null))
      );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
