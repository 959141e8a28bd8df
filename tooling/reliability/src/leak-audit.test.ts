// The leak audit itself: the scanner finds what it must, the audit is live in this very run (records of clients
// without a logger, errors, issued tokens), and a file that leaks fails (a child vitest runs planted leaks).
import { fileURLToPath } from 'node:url';
import { ApiError, NetworkError } from '@auth/core';
import { createMusimapClient } from '@auth/musimap';
import { type EmulatorHandle, musimapTestCredentials, startMusimapEmulator } from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChildProcess } from '../../../packages/core/src/test-support/run-child-process.js';
import { LeakScanner } from './leak-scanner.js';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('LeakScanner', () => {
  it('finds a registered secret inside longer text, and masks it in the excerpt', () => {
    const scanner = new LeakScanner();
    scanner.add('s3cr3t-client-value');
    const leaks = scanner.scan('{"url":"https://x/login?client_secret=s3cr3t-client-value&grant_type=x"}', 'record');
    expect(leaks).toHaveLength(1);
    expect(leaks[0]!.excerpt).toContain('client_secret=<SECRET>&');
    expect(leaks[0]!.excerpt).not.toContain('s3cr3t-client-value');
  });

  it('finds secrets that contain spaces, and ignores values too short to mean anything', () => {
    const scanner = new LeakScanner();
    scanner.add('correct horse battery');
    scanner.add('abc');
    expect(scanner.scan('password was correct horse battery!', 'message')).toHaveLength(1);
    expect(scanner.scan('abc abc abc', 'message')).toEqual([]);
  });

  it("recognises the emulators' token formats without registration", () => {
    const scanner = new LeakScanner();
    const musement = Buffer.from('0123456789abcdef'.repeat(4)).toString('base64').replace(/=+$/, '');
    const claims = Buffer.from(JSON.stringify({ jti: 'x', exp: 1, iat: 0 })).toString('base64');
    const musimap = `${claims}.${'A'.repeat(128)}`;
    expect(scanner.scan(`Bearer ${musement}`, 'header').map((leak) => leak.secret)).toEqual([
      'Musement emulator token format',
    ]);
    expect(scanner.scan(`token=${musimap}`, 'query').map((leak) => leak.secret)).toEqual([
      'Musimap emulator token format',
    ]);
    expect(scanner.scan('A'.repeat(86), 'not a token')).toEqual([]);
  });

  it('does not report a value a test allowed', () => {
    const scanner = new LeakScanner();
    scanner.add('shown-on-purpose-token');
    scanner.allow('shown-on-purpose-token');
    expect(scanner.scan('token: shown-on-purpose-token', 'stdout')).toEqual([]);
  });
});

describe('the audit in this run', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startMusimapEmulator();
  });
  afterAll(() => emulator.close());

  it('records the log records of a client given no logger, and the errors of the AuthError family', async () => {
    const audit = globalThis.leakAudit!;
    expect(audit, 'the setup file is loaded by the root vitest config').toBeDefined();
    const records = audit.recordCount;
    const errors = audit.errorCount;
    const client = createMusimapClient({
      baseUrl: emulator.url,
      clientId: musimapTestCredentials.clientId,
      clientSecret: musimapTestCredentials.clientSecret,
    });
    await client.getData('lexicology/tags');
    // At least one record for the token request and one for the API call (plus token events at debug level).
    expect(audit.recordCount - records).toBeGreaterThanOrEqual(2);

    const error = new NetworkError({
      packageName: '@auth/reliability',
      method: 'GET',
      url: 'https://x',
      timedOut: false,
    });
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(ApiError.isInstance(error)).toBe(false);
    expect(audit.errorCount - errors).toBe(1);
  });

  it('knows every token the emulator issued as a secret, and nothing leaked so far', async () => {
    const client = createMusimapClient({
      baseUrl: emulator.url,
      clientId: musimapTestCredentials.clientId,
      clientSecret: musimapTestCredentials.clientSecret,
    });
    const { accessToken } = await client.getToken();
    expect(globalThis.leakAudit!.isSecret(accessToken)).toBe(true);
    expect(globalThis.leakAudit!.isSecret(musimapTestCredentials.clientSecret)).toBe(true);
    expect(globalThis.leakAudit!.findLeaks()).toEqual([]);
  });
});

describe('a file that leaks', () => {
  it('fails the run, naming the file and each leaking record without quoting the secret; an opted-out file passes', async () => {
    const environment = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'TEST'),
    );
    const run = await runChildProcess(
      process.execPath,
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        '--config',
        'tooling/reliability/src/fixtures/vitest.fixtures.config.ts',
        '--reporter',
        'default',
        '--no-color',
      ],
      { cwd: repositoryRoot, env: { ...environment, NO_COLOR: '1' }, timeoutMs: 60_000 },
    );
    const { exitCode: code } = run;
    const output = run.stdout + run.stderr;
    expect(code, output).toBe(1);
    const report = output.slice(output.indexOf('[leak audit]'));
    expect(report).toContain('planted-leak.fixture.ts');
    expect(report).toContain('log record (info) of a client without logger');
    expect(report).toContain('log record (warn) of a client without logger');
    expect(report).toContain('ApiError 500: message');
    expect(report).toContain('ApiError 500: enumerable fields');
    expect(report).toContain('ApiError 500: util.inspect');
    expect(report).toContain('<SECRET>');
    expect(output).not.toContain('planted-registered-secret-42');
    expect(output).toMatch(/opted-out\.fixture\.ts: opted out \(prints the token on purpose, like --show-token\)/);
    expect(output).toMatch(/1 failed \| 1 passed \(2\)/);
  });
});
