import { ApiError } from '@auth/core';
import type { KyInstance } from 'ky';
import type { FieldReporter } from './create-field-reporter.js';
import { isPlainObject, parseRecord, type RecordShape } from './parse-record.js';
import { packageName } from './resolve-gomus-settings.js';

/** What the typed helpers share: the ky instance and the reporter of unknown fields. */
export interface GomusContext {
  api: KyInstance;
  reporter: FieldReporter;
  /** `<baseUrl>/api/v4`, for messages. */
  apiUrl: string;
}

/** A call's name in logs and messages: method and path template, never ids or query values. */
export function endpointName(method: string, template: string): string {
  return `${method} /api/v4/${template}`;
}

/**
 * Reads a single record answered either wrapped (`{"customer": {...}}`) or flat. Unknown fields are reported, never
 * thrown; only an answer with no usable record at all is an `ApiError`.
 */
export function readSingleRecord(
  context: GomusContext,
  body: unknown,
  wrapper: string,
  shape: RecordShape,
  endpoint: string,
  status: number,
): Record<string, unknown> {
  const wrapped = isPlainObject(body) && isPlainObject(body[wrapper]);
  if (wrapped) {
    for (const field of Object.keys(body)) if (field !== wrapper) context.reporter.unknown(endpoint, field);
  }
  const record = parseRecord(wrapped ? body[wrapper] : body, shape, endpoint, context.reporter);
  if (record === undefined) {
    const [method = 'GET', path = ''] = endpoint.split(' ');
    throw new ApiError({
      packageName,
      where: endpoint,
      detail: `answered ${status} without a usable ${wrapper} record (see the warn log for the field)`,
      status,
      method,
      url: `${context.apiUrl}${path.slice('/api/v4'.length)}`,
    });
  }
  return record;
}
