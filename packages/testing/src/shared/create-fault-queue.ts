import type { FaultSpec } from './types.js';

interface QueuedFault {
  fault: FaultSpec;
  remaining: number;
}

export interface FaultQueue {
  inject(fault: FaultSpec): void;
  clear(): void;
  /** The earliest injected fault matching the request, consuming one of its `times`. */
  take(method: string, path: string): FaultSpec | undefined;
}

export function createFaultQueue(): FaultQueue {
  let queue: QueuedFault[] = [];
  return {
    inject(fault) {
      const remaining = fault.times ?? 1;
      if (!(remaining > 0)) return;
      queue.push({ fault, remaining });
    },
    clear() {
      queue = [];
    },
    take(method, path) {
      // The common case, no fault queued, costs one length check per request.
      if (queue.length === 0) return undefined;
      const index = queue.findIndex((entry) => matches(entry.fault, method, path));
      const entry = queue[index];
      if (!entry) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) queue.splice(index, 1);
      return entry.fault;
    },
  };
}

function matches(fault: FaultSpec, method: string, path: string): boolean {
  const match = fault.match;
  if (!match) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') return path.startsWith(match.path);
  match.path.lastIndex = 0; // a global or sticky RegExp keeps state between test() calls
  return match.path.test(path);
}
