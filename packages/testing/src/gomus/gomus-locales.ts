import { germanTexts } from './gomus-catalogue.js';

/**
 * What a request asks for: one locale (`locale=de`; unknown ones fall back to the default, English), or several
 * (`locale[]=de&locale[]=en`, honoured for authenticated requests only, as go~mus documents it).
 */
export type LocaleRequest = { kind: 'one'; locale: string } | { kind: 'many'; locales: string[] };

/** The fields go~mus translates, among those the emulator serves. */
const translatableFields = ['title', 'description'] as const;

/** Reads `locale` and `locale[]` from the raw request URL (the parsed query keeps one value per name). */
export function readLocaleRequest(rawUrl: string | undefined, authenticated: boolean): LocaleRequest {
  const url = rawUrl ?? '';
  const queryStart = url.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const many = query.getAll('locale[]').filter((locale) => locale !== '');
  if (many.length > 0 && authenticated) return { kind: 'many', locales: [...new Set(many)] };
  return { kind: 'one', locale: query.get('locale') || many[0] || 'en' };
}

/** A cache key part for answers built for `request`. */
export function localeKey(request: LocaleRequest): string {
  return request.kind === 'one' ? (request.locale === 'de' ? 'de' : 'en') : request.locales.join(',');
}

/**
 * `item` in the requested locale: every translatable field a string in that locale, or, for several locales, an object
 * `{ de: ..., en: ... }` (null for a locale the instance does not have).
 */
export function localize<Item extends Record<string, unknown> & { id: number }>(
  resource: 'tickets' | 'museums',
  item: Item,
  request: LocaleRequest,
): Item {
  if (request.kind === 'one' && request.locale !== 'de') return item;
  const text = (field: string, locale: string): string | null => {
    if (locale === 'en') return item[field] as string;
    if (locale === 'de') return germanTexts.get(`${resource}:${item.id}:${field}`) ?? (item[field] as string);
    return null;
  };
  const copy: Record<string, unknown> = { ...item };
  for (const field of translatableFields) {
    if (typeof item[field] !== 'string') continue;
    copy[field] =
      request.kind === 'one'
        ? text(field, 'de')
        : Object.fromEntries(request.locales.map((locale) => [locale, text(field, locale)]));
  }
  return copy as Item;
}
