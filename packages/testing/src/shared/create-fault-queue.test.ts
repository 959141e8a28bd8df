import { describe, expect, it } from 'vitest';
import { createFaultQueue } from './create-fault-queue.js';
import type { FaultSpec } from './types.js';

describe('createFaultQueue', () => {
  it('serves each fault `times` times (default once), earliest injected first', () => {
    const queue = createFaultQueue();
    const first: FaultSpec = { kind: 'status', status: 503, times: 2 };
    const second: FaultSpec = { kind: 'reset' };
    queue.inject(first);
    queue.inject(second);
    expect(queue.take('GET', '/a')).toBe(first);
    expect(queue.take('GET', '/a')).toBe(first);
    expect(queue.take('GET', '/a')).toBe(second);
    expect(queue.take('GET', '/a')).toBeUndefined();
  });

  it('matches the method case-insensitively and the path by prefix or RegExp, without the query', () => {
    const queue = createFaultQueue();
    const post: FaultSpec = { kind: 'empty', match: { method: 'post', path: '/api/v3/login' } };
    const regex: FaultSpec = { kind: 'hang', match: { path: /\/tracks\/\d+$/g }, times: Infinity };
    queue.inject(post);
    queue.inject(regex);
    expect(queue.take('GET', '/api/v3/login')).toBeUndefined();
    expect(queue.take('POST', '/api/v3/cities')).toBeUndefined();
    expect(queue.take('POST', '/api/v3/login')).toBe(post);
    expect(queue.take('POST', '/api/v3/login')).toBeUndefined();
    // A global RegExp keeps lastIndex between test() calls; the queue must not be fooled by it.
    for (let index = 0; index < 3; index += 1) expect(queue.take('GET', '/tracks/12')).toBe(regex);
    expect(queue.take('GET', '/tracks/x')).toBeUndefined();
  });

  it('ignores faults with times <= 0 and forgets everything on clear()', () => {
    const queue = createFaultQueue();
    queue.inject({ kind: 'reset', times: 0 });
    expect(queue.take('GET', '/')).toBeUndefined();
    queue.inject({ kind: 'reset', times: 5 });
    queue.clear();
    expect(queue.take('GET', '/')).toBeUndefined();
  });
});
