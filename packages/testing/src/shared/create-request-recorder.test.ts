import { describe, expect, it } from 'vitest';
import { createRequestRecorder } from './create-request-recorder.js';
import type { RecordedRequest } from './types.js';

const request = (path: string): RecordedRequest => ({ method: 'GET', path, query: {}, headers: {}, receivedAt: 0 });

describe('createRequestRecorder', () => {
  it('keeps the newest `maxRecordedRequests`, dropping the oldest, in the same array', () => {
    const recorder = createRequestRecorder({ enabled: true, maxRecordedRequests: 3 });
    const log = recorder.requests;
    for (const path of ['/1', '/2', '/3', '/4', '/5']) recorder.record(request(path));
    expect(log.map((entry) => entry.path)).toEqual(['/3', '/4', '/5']);
    recorder.clear();
    expect(recorder.requests).toBe(log);
    expect(log).toEqual([]);
  });

  it('is disabled by enabled: false or a cap of 0', () => {
    expect(createRequestRecorder({ enabled: false, maxRecordedRequests: 10 }).enabled).toBe(false);
    expect(createRequestRecorder({ enabled: true, maxRecordedRequests: 0 }).enabled).toBe(false);
  });
});
