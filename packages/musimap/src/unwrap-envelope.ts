import { AuthError } from '@auth/core';
import { packageName } from './package-name.js';

/** A Musimap response envelope, unwrapped. Paging fields are present only when the endpoint sent them. */
export interface MusimapResponse<T = unknown> {
  /** The payload (`data` in the envelope). */
  data: T;
  /** Items in this page (`size`). */
  size?: number;
  /** Index of the first item of this page (`offset`). */
  offset?: number;
  /** Items across all pages (`total_size`). */
  totalSize?: number;
  /** The status the envelope repeats (`status`). */
  status?: number;
  /** When the server answered, epoch ms on the server's clock (`timestamp`). */
  timestamp?: number;
}

const numericFields = [
  ['size', 'size'],
  ['offset', 'offset'],
  ['total_size', 'totalSize'],
  ['status', 'status'],
  ['timestamp', 'timestamp'],
] as const;

/**
 * Unwraps Musimap's `{ status, timestamp, data, size?, offset?, total_size? }` envelope. Unknown fields are ignored;
 * paging fields that are absent or not numbers are left out. A body without `data` throws an `AuthError`.
 *
 * @example
 * const { data: tags } = unwrapEnvelope<Tag[]>(await client.api.get('lexicology/tags').json());
 */
export function unwrapEnvelope<T = unknown>(body: unknown): MusimapResponse<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('data' in body)) {
    throw new AuthError(`${packageName}: the response is not a Musimap envelope (no data field).`);
  }
  const envelope = body as Record<string, unknown>;
  const result: MusimapResponse<T> = { data: envelope.data as T };
  for (const [from, to] of numericFields) {
    const value = envelope[from];
    if (typeof value === 'number' && Number.isFinite(value)) result[to] = value;
  }
  return result;
}
