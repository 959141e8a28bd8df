// The secret-leak audit (leak-audit-setup.ts) replaces core's silentLogger in every test file with a recorder, so that
// what a client without a logger would log is scanned too. That leaves the real default untested in-process: this file
// takes the real silentLogger back and proves that clients given no logger print nothing, whatever happens.
import { silentLogger } from '@auth/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { providersUnderTest } from './providers-under-test.js';

vi.unmock('../../../packages/core/src/logger.js');

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every way a library could print: console methods and the process's own streams. */
function watchOutput(): () => string[] {
  const printed: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...parameters: unknown[]) => {
      printed.push(`console.${method}: ${parameters.map(String).join(' ')}`);
    });
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    vi.spyOn(process[stream], 'write').mockImplementation((chunk: unknown) => {
      printed.push(`process.${stream}: ${String(chunk)}`);
      return true;
    });
  }
  return () => printed;
}

describe('a client given no logger', () => {
  it('uses the real silentLogger here, not the audit recorder', () => {
    // The recorder is a new object on every read and records what it is given; the real one is one frozen no-op.
    expect(silentLogger).toBe(silentLogger);
    expect(Object.isFrozen(silentLogger)).toBe(true);
  });

  for (const provider of providersUnderTest) {
    it(`${provider.name}: prints nothing through calls, retries, renewals and failures`, async () => {
      const emulator = await provider.start({ tokenLifetimeSeconds: 3600 });
      const recordsBefore = globalThis.leakAudit?.recordCount ?? 0;
      const printed = watchOutput();
      try {
        const client = provider.createClient(emulator, { retry: { limit: 1, initialDelayMs: 1 } });
        await client.call('GET');
        emulator.injectFault({ kind: 'status', status: 503, match: { path: provider.apiPath.GET } });
        await client.call('GET'); // retried
        emulator.injectFault({ kind: 'status', status: 500, times: 2, match: { path: provider.apiPath.GET } });
        await expect(client.call('GET')).rejects.toThrow(); // retries exhausted
        emulator.injectFault({ kind: 'reset', match: { path: provider.apiPath.GET } });
        await client.call('GET'); // a dropped connection, retried
        if (provider.tokenPath !== undefined) {
          emulator.injectFault({ kind: 'status', status: 401, match: { path: provider.apiPath.GET } });
          await client.call('GET'); // a rejected token: renewed, replayed
        }
      } finally {
        vi.restoreAllMocks();
        await emulator.close();
      }
      expect(printed()).toEqual([]);
      // Nothing reached the audit's recorder either: the clients logged to the real, silent default.
      expect(globalThis.leakAudit?.recordCount ?? 0).toBe(recordsBefore);
    });
  }
});
