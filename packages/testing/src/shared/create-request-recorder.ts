import type { RecordedRequest } from './types.js';

export interface RequestRecorder {
  /** The live log, oldest first. */
  readonly requests: RecordedRequest[];
  readonly enabled: boolean;
  record(request: RecordedRequest): void;
  clear(): void;
}

export function createRequestRecorder(options: { enabled: boolean; maxRecordedRequests: number }): RequestRecorder {
  const requests: RecordedRequest[] = [];
  const max = Math.max(0, options.maxRecordedRequests);
  return {
    requests,
    enabled: options.enabled && max > 0,
    record(request) {
      // shift() on a packed array is a cheap left-trim in V8, so the cap costs little per request.
      if (requests.length >= max) requests.shift();
      requests.push(request);
    },
    clear() {
      // Emptied in place: tests may hold the array.
      requests.length = 0;
    },
  };
}
