import type { TokenSet } from '@auth/core';
import { isHeaderSafeToken } from '@auth/core/provider';

/**
 * A shop customer's session: the devise_token_auth headers go~mus answered at sign-in (the `access-token` replaced by
 * the newest one received since), and the shop it belongs to.
 */
export interface CustomerSessionRecord {
  /** `access-token`: rotates when the server says so. */
  accessToken: string;
  /** `token-type`, e.g. `Bearer`. */
  tokenType: string;
  /** `client`: the session's id; a secret like the token. */
  client: string;
  /** `uid`: the customer's e-mail as the server knows it. */
  uid: string;
  /** Sent as `X-Shop-Url` with every request of the session. */
  shopUrl: string;
  /** devise's `expiry`: epoch seconds on the server's clock, which tells a newer token from an older one. */
  expiry?: number;
  /** When the token expires, epoch ms on our clock. */
  expiresAt?: number;
  /** When we received the token, epoch ms on our clock. */
  issuedAt: number;
}

/** Printable ASCII without spaces: what `uid` and `X-Shop-Url` may carry in a header. */
const visibleText = /^[\x21-\x7e]{1,2048}$/;
const tokenType = /^[A-Za-z][\w-]{0,31}$/;
const epochSeconds = /^\d{1,12}$/;

/** True when `value` may be sent back as the header `name`, by the rules of what the server may send for it. */
export function isSafeSessionValue(name: 'access-token' | 'client' | 'token-type' | 'uid' | 'expiry', value: string) {
  if (name === 'access-token' || name === 'client') return isHeaderSafeToken(value);
  if (name === 'token-type') return tokenType.test(value);
  if (name === 'expiry') return epochSeconds.test(value);
  return visibleText.test(value);
}

/** Whether `value` may be sent as `X-Shop-Url`. */
export const isSafeShopUrl = (value: unknown): value is string => typeof value === 'string' && visibleText.test(value);

/**
 * The record as a `TokenSet`, so that any `TokenStore` holds it: the access token, its type and times in their own
 * fields, the rest of the session in `scope` as URL-encoded parameters (stores keep `scope` as it is).
 */
export function toTokenSet(record: CustomerSessionRecord): TokenSet {
  const scope = new URLSearchParams({ client: record.client, uid: record.uid, shop_url: record.shopUrl });
  if (record.expiry !== undefined) scope.set('expiry', String(record.expiry));
  return {
    accessToken: record.accessToken,
    tokenType: record.tokenType,
    scope: `gomus-customer-session?${scope}`,
    issuedAt: record.issuedAt,
    ...(record.expiresAt !== undefined && { expiresAt: record.expiresAt }),
  };
}

/** A stored session, checked like a network answer; undefined when it is not a valid one. */
export function fromTokenSet(value: unknown): CustomerSessionRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const token = value as Partial<Record<keyof TokenSet, unknown>>;
  const prefix = 'gomus-customer-session?';
  if (typeof token.scope !== 'string' || !token.scope.startsWith(prefix)) return undefined;
  const scope = new URLSearchParams(token.scope.slice(prefix.length));
  const [client, uid, shopUrl, expiry] = ['client', 'uid', 'shop_url', 'expiry'].map((name) => scope.get(name) ?? '');
  if (typeof token.accessToken !== 'string' || !isSafeSessionValue('access-token', token.accessToken)) return undefined;
  if (typeof token.tokenType !== 'string' || !isSafeSessionValue('token-type', token.tokenType)) return undefined;
  if (!client || !isSafeSessionValue('client', client) || !uid || !isSafeSessionValue('uid', uid)) return undefined;
  if (!isSafeShopUrl(shopUrl) || (expiry !== '' && !isSafeSessionValue('expiry', expiry as string))) return undefined;
  if (typeof token.issuedAt !== 'number' || !Number.isFinite(token.issuedAt)) return undefined;
  if (token.expiresAt != null && !(typeof token.expiresAt === 'number' && Number.isFinite(token.expiresAt))) {
    return undefined;
  }
  return {
    accessToken: token.accessToken,
    tokenType: token.tokenType,
    client,
    uid,
    shopUrl,
    issuedAt: token.issuedAt,
    ...(expiry !== '' && { expiry: Number(expiry) }),
    ...(typeof token.expiresAt === 'number' && { expiresAt: token.expiresAt }),
  };
}

/** The headers a request of the session carries. */
export function sessionHeaders(record: CustomerSessionRecord): Record<string, string> {
  return {
    'access-token': record.accessToken,
    'token-type': record.tokenType,
    client: record.client,
    uid: record.uid,
    'x-shop-url': record.shopUrl,
  };
}
