import { createHash } from 'node:crypto';

export interface TokenKeyParts {
  /** e.g. `musement`. */
  provider: string;
  baseUrl: string;
  clientId?: string;
  /** The user a password grant acts for; hashed, so store keys do not carry personal data. */
  user?: string;
  /** An environment label such as `staging`. */
  environment?: string;
}

/** Builds the store key that separates providers, environments, clients and users sharing one `TokenStore`. */
export function createTokenKey(parts: TokenKeyParts): string {
  const segments = [parts.provider, parts.environment ?? '', parts.baseUrl, parts.clientId ?? ''];
  if (parts.user !== undefined) {
    segments.push(`user:${createHash('sha256').update(parts.user).digest('hex').slice(0, 16)}`);
  }
  return segments.map((segment) => encodeURIComponent(segment)).join(':');
}
