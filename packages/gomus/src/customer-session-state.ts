import { AuthError, type TokenStore } from '@auth/core';
import { abortable, boundStore } from '@auth/core/provider';
import { type CustomerSessionRecord, fromTokenSet, isSafeSessionValue, toTokenSet } from './customer-session-record.js';
import { packageName } from './resolve-gomus-settings.js';

/** What an answer said about the session, every value checked; absent when the answer did not carry it. */
export interface SessionUpdate {
  accessToken?: string;
  expiry?: number;
  expiresAt?: number;
  uid?: string;
  client?: string;
  receivedAt: number;
}

/** Writes a warning to the client's logger (scrubbed, with the provider's fields). */
export type SessionWarning = (record: Record<string, unknown>, message: string) => void;

/** The longest wait for one store operation; a store that does not answer in time fails the call, never hangs it. */
const storeTimeoutMs = 5_000;
/** Tokens a session replaced, remembered so that a late answer never puts one of them back. */
const maxSuperseded = 16;

/**
 * The session headers of an answer, each checked before it is used: a blank one (devise's answer inside a batch of
 * requests) counts as absent, a value no header could carry is dropped and reported by name, never quoted.
 */
export function readSessionUpdate(
  headers: Headers,
  receivedAt: number,
  reject: (header: string) => void,
): SessionUpdate {
  const read = (name: 'access-token' | 'client' | 'uid' | 'expiry') => {
    const value = headers.get(name)?.trim();
    if (!value) return undefined;
    if (isSafeSessionValue(name, value)) return value;
    reject(name);
    return undefined;
  };
  const update: SessionUpdate = { receivedAt };
  const [accessToken, client, uid, expiry] = (['access-token', 'client', 'uid', 'expiry'] as const).map(read);
  if (accessToken !== undefined) update.accessToken = accessToken;
  if (client !== undefined) update.client = client;
  if (uid !== undefined) update.uid = uid;
  if (expiry !== undefined) {
    update.expiry = Number(expiry);
    // On our clock: the server's own Date says how far its clock is from ours.
    const serverNow = Date.parse(headers.get('date') ?? '');
    update.expiresAt = update.expiry * 1000 + (Number.isFinite(serverNow) ? receivedAt - serverNow : 0);
  }
  return update;
}

/**
 * One customer's session in this client: the newest record received, the store behind it, and the requests using it.
 * Every change is decided synchronously (no lost update between concurrent answers) and written to the store by one
 * writer at a time, always the newest record, so the store ends with what memory holds.
 */
export class CustomerSessionState {
  readonly key: string;
  readonly #store: TokenStore;
  readonly #warn: SessionWarning;
  #record: CustomerSessionRecord | undefined;
  #loading: Promise<CustomerSessionRecord | undefined> | undefined;
  #writing: Promise<void> | undefined;
  #dirty = false;
  #inFlight = 0;
  readonly #superseded = new Set<string>();

  constructor(key: string, store: TokenStore, warn: SessionWarning) {
    this.key = key;
    // A store that does not answer in time fails the call, never hangs it: core's bound, as the token manager's.
    this.#store = boundStore(store, storeTimeoutMs, packageName);
    this.#warn = warn;
  }

  /** Requests in flight or a write pending: the state must stay the one requests of this customer use. */
  get busy(): boolean {
    return this.#inFlight > 0 || this.#writing !== undefined || this.#loading !== undefined;
  }

  /** Runs one request of the session, counted as in flight. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#inFlight += 1;
    try {
      return await work();
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** The session to send: the one in memory, else the stored one (read once for concurrent callers). */
  async current(signal?: AbortSignal): Promise<CustomerSessionRecord | undefined> {
    if (this.#record !== undefined) return this.#record;
    this.#loading ??= this.#read().finally(() => {
      this.#loading = undefined;
    });
    const loaded = await abortable(this.#loading, signal);
    // A login may have finished while the store was read: it wins.
    this.#record ??= loaded;
    return this.#record;
  }

  /** A new session (a login): replaces whatever was there, stored before it is used elsewhere. */
  async replace(record: CustomerSessionRecord): Promise<void> {
    if (this.#record !== undefined) this.#supersede(this.#record.accessToken);
    this.#record = record;
    await this.#persist();
  }

  /**
   * What an answer to a request sent with `sent` said. A new `access-token` replaces the current one unless it is
   * known to be older: one this session already replaced, or one whose `expiry` is before the current one's. An answer
   * of another session (before a new login, after a logout) changes nothing.
   */
  observe(sent: CustomerSessionRecord, update: SessionUpdate): void {
    const current = this.#record;
    if (current === undefined || current.client !== sent.client) return;
    if (update.client !== undefined && update.client !== current.client) return;
    const { accessToken } = update;
    if (accessToken === undefined || this.#superseded.has(accessToken)) return;
    if (accessToken === current.accessToken) return;
    if (update.expiry !== undefined && current.expiry !== undefined && update.expiry < current.expiry) return;
    this.#supersede(current.accessToken);
    this.#record = {
      ...current,
      accessToken,
      issuedAt: update.receivedAt,
      ...(update.uid !== undefined && { uid: update.uid }),
      ...(update.expiry !== undefined && { expiry: update.expiry, expiresAt: update.expiresAt }),
    };
    void this.#persist();
  }

  /**
   * After a 401 to `sent`: a newer session to replay with, when this process or another (through the store) already
   * has one; undefined when `sent` was the newest there is.
   */
  async recover(sent: CustomerSessionRecord, signal?: AbortSignal): Promise<CustomerSessionRecord | undefined> {
    const current = this.#record;
    if (current !== undefined && current.accessToken !== sent.accessToken) return current;
    const stored = await abortable(this.#read(), signal);
    if (stored === undefined || stored.accessToken === sent.accessToken) return undefined;
    if (this.#superseded.has(stored.accessToken)) return undefined;
    if (this.#record !== undefined && this.#record.accessToken !== sent.accessToken) return this.#record;
    this.#record = stored;
    return stored;
  }

  /** `sent` was rejected and nothing newer exists: the session is over, here and in the store (if it still holds it). */
  async end(sent: CustomerSessionRecord): Promise<void> {
    if (this.#record?.accessToken !== sent.accessToken) return;
    this.#record = undefined;
    await this.#writing;
    try {
      const stored = fromTokenSet(await this.#store.get(this.key));
      if (stored?.accessToken === sent.accessToken) await this.#store.delete(this.key);
    } catch (error) {
      this.#report('customer_session.store_failed', error);
    }
  }

  /**
   * Logout: forgets the session here and in the store. Returns the record it held (to sign it out on the server) and
   * what the store's delete threw, if it failed: the session is then still stored.
   */
  async forget(): Promise<{ record: CustomerSessionRecord | undefined; storeError?: unknown }> {
    const record = this.#record ?? (await this.#read().catch(() => undefined));
    this.#record = undefined;
    await this.#writing;
    try {
      await this.#store.delete(this.key);
      return { record };
    } catch (storeError) {
      return { record, storeError };
    }
  }

  #supersede(accessToken: string): void {
    this.#superseded.add(accessToken);
    if (this.#superseded.size > maxSuperseded) {
      this.#superseded.delete(this.#superseded.values().next().value as string);
    }
  }

  async #read(): Promise<CustomerSessionRecord | undefined> {
    const value = await this.#store.get(this.key);
    if (value === undefined || value === null) return undefined;
    const record = fromTokenSet(value);
    if (record === undefined) {
      this.#warn(
        { event: 'customer_session.invalid_record' },
        'the stored customer session is not valid; it is ignored',
      );
    }
    return record;
  }

  /** Writes the newest record; a write asked for during another waits for it, then writes what is newest then. */
  #persist(): Promise<void> {
    if (this.#writing !== undefined) {
      this.#dirty = true;
      return this.#writing;
    }
    this.#writing = (async () => {
      do {
        this.#dirty = false;
        const record = this.#record;
        if (record === undefined) break;
        try {
          await this.#store.set(this.key, toTokenSet(record));
        } catch (error) {
          // The session goes on in this process; other processes will not see this token until a later write.
          this.#report('customer_session.store_failed', error);
        }
      } while (this.#dirty);
      this.#writing = undefined;
    })();
    return this.#writing;
  }

  #report(event: string, error: unknown): void {
    const reason = AuthError.isInstance(error) ? error.message : error instanceof Error ? error.name : 'unknown';
    this.#warn({ event, reason }, 'the customer session store failed; the session goes on in this process');
  }
}

/**
 * The sessions of one client by store key, so that every handle of a customer uses one state. Bounded: past
 * `maxSessions`, the oldest idle states are dropped (their sessions stay in the store and are read again when used).
 */
export function createSessionRegistry(create: (key: string) => CustomerSessionState, maxSessions = 10_000) {
  const states = new Map<string, CustomerSessionState>();
  return (key: string): CustomerSessionState => {
    let state = states.get(key);
    if (state !== undefined) return state;
    if (states.size >= maxSessions) {
      for (const [oldKey, old] of states) {
        if (states.size < maxSessions) break;
        if (!old.busy) states.delete(oldKey);
      }
    }
    state = create(key);
    states.set(key, state);
    return state;
  };
}
