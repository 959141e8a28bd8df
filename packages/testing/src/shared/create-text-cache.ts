/**
 * Memoises the JSON text of answers built from static data, so that list endpoints under load do not serialise the
 * same page again and again. Bounded: it forgets everything once `maxEntries` is reached.
 */
export function createTextCache(maxEntries = 1000): (key: string, compute: () => string) => string {
  const entries = new Map<string, string>();
  return (key, compute) => {
    let text = entries.get(key);
    if (text === undefined) {
      if (entries.size >= maxEntries) entries.clear();
      text = compute();
      entries.set(key, text);
    }
    return text;
  };
}
