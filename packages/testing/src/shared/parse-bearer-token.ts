/** The token of an `Authorization: Bearer <token>` header; `undefined` without one, `''` for another scheme. */
export function parseBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space === -1 || authorization.slice(0, space).toLowerCase() !== 'bearer') return '';
  return authorization.slice(space + 1).trim();
}
