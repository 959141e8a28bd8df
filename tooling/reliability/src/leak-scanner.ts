/** One place a secret showed up. */
export interface Leak {
  /** Where it was found, e.g. `log record (warn)` or `ApiError: util.inspect`. */
  where: string;
  /** What kind of secret, e.g. `registered secret` or `Musement token format`. Never the secret itself. */
  secret: string;
  /** The text that carried it, shortened, with the secret replaced by `<SECRET>` so the report does not leak it. */
  excerpt: string;
}

// Characters a bearer token, refresh token or client secret is made of (base64, base64url, hex, dots of a JWT).
const tokenCharacter = /[A-Za-z0-9+/=._~-]/;
const tokenRun = /[A-Za-z0-9+/=._~-]+/g;
// A Musement emulator token: a 64-digit hex string, base64-encoded without padding (86 characters).
const musementCandidate = /[A-Za-z0-9+/]{86}/g;
// A Musimap emulator token: base64 of `{"jti":...}` claims, a dot, 128 base64url characters of signature.
const musimapToken = /eyJqdGki[A-Za-z0-9+/=]+\.[A-Za-z0-9_-]{128}/g;

/**
 * Finds known secrets in text. Secrets made only of token characters (nearly all) are looked up in a set for every
 * window of matching length inside each run of token characters, so thousands of registered tokens cost no more than a
 * few; any other secret (say a password with a space) is searched with `includes`. On top of the registered values it
 * recognises the emulators' token formats, so a token issued where the registry could not see it (another process)
 * is caught too.
 */
export class LeakScanner {
  readonly #byLength = new Map<number, Set<string>>();
  readonly #other = new Set<string>();
  readonly #allowed = new Set<string>();
  #count = 0;

  /** Registers a value that must never appear. Values shorter than 8 characters are ignored: too many false hits. */
  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < 8 || this.#allowed.has(secret)) return;
    if ([...secret].every((character) => tokenCharacter.test(character))) {
      let set = this.#byLength.get(secret.length);
      if (set === undefined) {
        set = new Set();
        this.#byLength.set(secret.length, set);
      }
      if (!set.has(secret)) this.#count += 1;
      set.add(secret);
    } else if (!this.#other.has(secret)) {
      this.#other.add(secret);
      this.#count += 1;
    }
  }

  /** A value a test prints on purpose (e.g. the token `--show-token` shows): never reported. */
  allow(secret: string): void {
    this.#allowed.add(secret);
    this.#byLength.get(secret.length)?.delete(secret);
    this.#other.delete(secret);
  }

  /** Whether `value` is a registered secret. */
  has(value: string): boolean {
    return this.#byLength.get(value.length)?.has(value) === true || this.#other.has(value);
  }

  /** How many distinct secrets are registered. */
  get size(): number {
    return this.#count;
  }

  /** Every secret found in `text`, each once, described without quoting the secret. */
  scan(text: string, where: string): Leak[] {
    const found = new Map<string, string>(); // secret → kind
    for (const run of text.match(tokenRun) ?? []) {
      for (const [length, secrets] of this.#byLength) {
        if (run.length < length || secrets.size === 0) continue;
        for (let start = 0; start + length <= run.length; start++) {
          const window = run.slice(start, start + length);
          if (secrets.has(window)) found.set(window, 'registered secret');
        }
      }
    }
    for (const secret of this.#other) if (text.includes(secret)) found.set(secret, 'registered secret');
    for (const candidate of text.match(musementCandidate) ?? []) {
      if (this.#allowed.has(candidate)) continue;
      if (/^[0-9a-f]{64}$/.test(Buffer.from(candidate, 'base64').toString('latin1'))) {
        found.set(candidate, found.get(candidate) ?? 'Musement emulator token format');
      }
    }
    for (const candidate of text.match(musimapToken) ?? []) {
      if (!this.#allowed.has(candidate)) found.set(candidate, found.get(candidate) ?? 'Musimap emulator token format');
    }
    return [...found].map(([secret, kind]) => ({ where, secret: kind, excerpt: excerpt(text, secret) }));
  }
}

/** Up to 300 characters around the secret, with every occurrence of it masked. */
function excerpt(text: string, secret: string): string {
  const at = text.indexOf(secret);
  const start = Math.max(0, at - 150);
  const shown = text
    .slice(start, at + secret.length + 150)
    .split(secret)
    .join('<SECRET>')
    .replace(/\s*\n\s*/g, ' ⏎ ');
  return `${start > 0 ? '…' : ''}${shown}${at + secret.length + 150 < text.length ? '…' : ''}`;
}
