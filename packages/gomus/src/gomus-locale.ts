import { ConfigError } from '@auth/core';
import { packageName } from './resolve-gomus-settings.js';

/**
 * The locale of an answer. One (`'de'`) sends `locale=de`: every translatable field is a string in it. Several
 * (`['de', 'en']`) send `locale[]=de&locale[]=en`: go~mus then answers every translatable field of an authenticated
 * request as an object `{ de: ..., en: ... }` (see `GomusTranslatable`).
 */
export type GomusLocale = string | readonly string[];

const localeCode = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;

/** Query parameters as ky takes them, plus `locale` or `locale[]` when one is asked for. */
export function withLocale(
  searchParams: Record<string, string | number | boolean> | undefined,
  locale: GomusLocale | undefined,
): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(searchParams ?? {})) query.set(name, String(value));
  if (locale === undefined) return query;
  const several = Array.isArray(locale);
  const locales: readonly unknown[] = several ? locale : [locale];
  if (locales.length === 0 || !locales.every((code) => typeof code === 'string' && localeCode.test(code))) {
    throw new ConfigError(`${packageName}: locale must be a locale code such as 'de', or a non-empty array of them.`, {
      option: 'locale',
    });
  }
  for (const code of locales) query.append(several ? 'locale[]' : 'locale', code as string);
  return query;
}
