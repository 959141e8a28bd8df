import { Agent as HttpAgent } from 'node:http';

/** Where undici (and so Node's fetch) looks up the dispatcher every fetch uses; shared by design across copies. */
const globalDispatcherKey = Symbol.for('undici.globalDispatcher.1');

interface Dispatcher {
  close(): Promise<void>;
}

type DispatcherConstructor = new (options: { connections: number }) => Dispatcher;

/**
 * Runs `task` with Node's fetch limited to `connections` connections per origin, then restores the default pool.
 * Without a limit, 10,000 calls at once open 10,000 sockets: the emulator's listen backlog overflows and the burst's
 * time measures TCP SYN retransmits (1 s, 3 s, ...) instead of the clients. Node bundles undici without exporting
 * it, so the limited pool is built with the constructor of the default one (an undici Agent).
 * `originUrl` is fetched once first, so that the default dispatcher exists.
 */
export async function withFetchConnectionLimit<T>(
  connections: number,
  originUrl: string,
  task: () => Promise<T>,
): Promise<T> {
  const registry = globalThis as unknown as Record<symbol, Dispatcher | undefined>;
  if (registry[globalDispatcherKey] === undefined) await fetch(originUrl).then((response) => response.body?.cancel());
  const previous = registry[globalDispatcherKey];
  if (previous === undefined) throw new Error('Node fetch has no global dispatcher to copy');
  const limited = new (previous.constructor as DispatcherConstructor)({ connections });
  registry[globalDispatcherKey] = limited;
  try {
    return await task();
  } finally {
    registry[globalDispatcherKey] = previous;
    await limited.close();
  }
}

/** The same limit for axios's Node adapter. */
export function limitedHttpAgent(connections: number): HttpAgent {
  return new HttpAgent({ keepAlive: true, maxSockets: connections });
}
