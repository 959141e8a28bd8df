import type { TokenSet } from '@auth/core';

/** The stored JSON as a `TokenSet`, or undefined when it is not one. Only known fields are kept. */
export function parseTokenRecord(text: string): TokenSet | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.accessToken !== 'string' || record.accessToken === '') return undefined;
  const token: TokenSet = { accessToken: record.accessToken };
  for (const name of ['expiresAt', 'issuedAt'] as const) {
    const time = record[name];
    if (time === undefined || time === null) continue;
    if (typeof time !== 'number' || !Number.isFinite(time)) return undefined;
    token[name] = time;
  }
  for (const name of ['refreshToken', 'tokenType', 'scope'] as const) {
    const text = record[name];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') return undefined;
    token[name] = text;
  }
  return token;
}
