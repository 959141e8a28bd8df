// The secret-leak audit, loaded by the root vitest config before every test file of the repository.
//
// - Clients given no logger log to core's `silentLogger`; here it becomes a recorder that prints nothing, so every
//   record such a client would produce is checked.
// - Every error of the AuthError family is recorded when it is constructed (a subclass of the real AuthError stands
//   in for it, so every other class of the family extends it and `isInstance` works as before).
// - Every token the emulators issue is registered as a secret when it is issued, next to the emulators' test
//   credentials and whatever a test passes to `registerSecret(value)`.
// After the file's tests, records and errors (message, enumerable fields as JSON, util.inspect at depth 5) are scanned
// and the file fails naming the leaking record. A file that prints a secret on purpose calls `leakAudit.optOut(reason)`.
import { inspect } from 'node:util';
import { afterAll, expect, vi } from 'vitest';
import { gomusTestTokens } from '../../../packages/testing/src/gomus/gomus-test-tokens.js';
import { musementTestCredentials } from '../../../packages/testing/src/musement/musement-test-credentials.js';
import { musimapTestCredentials } from '../../../packages/testing/src/musimap/musimap-test-credentials.js';
import { type Leak, LeakScanner } from './leak-scanner.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the audit exposes on `globalThis.leakAudit` (and `registerSecret` on `globalThis`). */
export interface LeakAudit {
  /** Adds a value that must appear in no log record and no error. Call it before the value is used. */
  registerSecret(value: string): void;
  /** Whether `value` is among the secrets the audit looks for. */
  isSecret(value: string): boolean;
  /** Stops reporting `value` for this file: a test shows it on purpose (e.g. `--show-token`). */
  allow(value: string): void;
  /** Turns the audit off for the current file, e.g. a test that prints a token on purpose. The reason is printed. */
  optOut(reason: string): void;
  /** Log records captured from clients without a logger, since the file started. */
  readonly recordCount: number;
  /** Errors of the AuthError family constructed since the file started. */
  readonly errorCount: number;
  /** Leaks found so far in this file (scans what is pending first). */
  findLeaks(): Leak[];
  /** @internal Called by the recording silentLogger. */
  recordLog(level: LogLevel, record: unknown, message: unknown): void;
  /** @internal Called by every AuthError constructor. */
  recordError(error: Error): void;
}

declare global {
  var leakAudit: LeakAudit | undefined;
  var registerSecret: ((value: string) => void) | undefined;
}

// Pending items are scanned in batches and dropped, so a load test's millions of records do not pile up in memory.
const batchSize = 2_000;

vi.mock('../../../packages/core/src/logger.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../packages/core/src/logger.js')>();
  const method = (level: LogLevel) => (record: object, message?: string) =>
    globalThis.leakAudit?.recordLog(level, record, message);
  const recorder = () =>
    Object.freeze({ debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') });
  // A new object on every read: core skips logging altogether when `logger === silentLogger`, and the point here is
  // to see the records a client without a logger would have produced.
  return {
    ...original,
    get silentLogger() {
      return recorder();
    },
  };
});

vi.mock('../../../packages/core/src/errors/auth-error.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../packages/core/src/errors/auth-error.js')>();
  class AuthError extends original.AuthError {
    constructor(...parameters: ConstructorParameters<typeof original.AuthError>) {
      super(...parameters);
      globalThis.leakAudit?.recordError(this);
    }
  }
  return { ...original, AuthError };
});

vi.mock('../../../packages/testing/src/shared/create-token-registry.js', async (importOriginal) => {
  const original =
    await importOriginal<typeof import('../../../packages/testing/src/shared/create-token-registry.js')>();
  return {
    ...original,
    createTokenRegistry: <Data>(options: Parameters<typeof original.createTokenRegistry>[0]) => {
      const registry = original.createTokenRegistry<Data>(options);
      return {
        ...registry,
        issue(data: Data, token?: string) {
          const record = registry.issue(data, token);
          globalThis.leakAudit?.registerSecret(record.token);
          return record;
        },
      };
    },
  };
});

const scanner = new LeakScanner();
for (const secret of [
  musementTestCredentials.clientSecret,
  musementTestCredentials.password,
  musimapTestCredentials.clientSecret,
  ...Object.values(gomusTestTokens),
]) {
  scanner.add(secret);
}

let pendingLogs: { level: LogLevel; record: unknown; message: unknown }[] = [];
let pendingErrors: Error[] = [];
const leaks: Leak[] = [];
let recordCount = 0;
let errorCount = 0;
let optedOut: string | undefined;

function flushLogs(): void {
  const batch = pendingLogs;
  pendingLogs = [];
  for (const { level, record, message } of batch) {
    leaks.push(
      ...scanner.scan(serialize({ level, message, record }), `log record (${level}) of a client without logger`),
    );
  }
}

function flushErrors(): void {
  const batch = pendingErrors;
  pendingErrors = [];
  for (const error of batch) {
    const status = (error as Error & { status?: unknown }).status;
    const name = typeof status === 'number' ? `${error.name} ${status}` : error.name;
    leaks.push(...scanner.scan(error.message, `${name}: message`));
    leaks.push(...scanner.scan(serialize({ ...error }), `${name}: enumerable fields`));
    leaks.push(...scanner.scan(inspect(error, { depth: 5 }), `${name}: util.inspect`));
  }
}

function serialize(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? '';
  } catch {
    return inspect(value, { depth: 8 }); // circular
  }
}

const audit: LeakAudit = {
  registerSecret: (value) => scanner.add(value),
  allow: (value) => scanner.allow(value),
  isSecret: (value) => scanner.has(value),
  optOut(reason) {
    optedOut = reason;
  },
  get recordCount() {
    return recordCount;
  },
  get errorCount() {
    return errorCount;
  },
  findLeaks() {
    flushLogs();
    flushErrors();
    return [...leaks];
  },
  recordLog(level, record, message) {
    recordCount += 1;
    if (pendingLogs.length >= batchSize) flushLogs();
    pendingLogs.push({ level, record, message });
  },
  recordError(error) {
    errorCount += 1;
    // Scanned later, once the subclass constructor has set its fields; the batch before it is complete by now.
    if (pendingErrors.length >= batchSize) flushErrors();
    pendingErrors.push(error);
  },
};
globalThis.leakAudit = audit;
globalThis.registerSecret = audit.registerSecret;

afterAll(() => {
  const file = expect.getState().testPath ?? 'this test file';
  const found = audit.findLeaks();
  if (optedOut !== undefined) {
    console.log(`[leak audit] ${file}: opted out (${optedOut}); ${found.length} leak(s) not reported.`);
    return;
  }
  if (process.env.LEAK_AUDIT_SUMMARY) {
    console.log(
      `[leak audit] ${file}: ${recordCount} log records, ${errorCount} errors, ${scanner.size} secrets, ${found.length} leaks`,
    );
  }
  if (found.length === 0) return;
  const shown = found
    .slice(0, 10)
    .map((leak) => `  - ${leak.secret} in ${leak.where}:\n      ${leak.excerpt}`)
    .join('\n');
  throw new Error(
    `[leak audit] ${file}: ${found.length} secret(s) leaked into log records or errors:\n${shown}${found.length > 10 ? `\n  … and ${found.length - 10} more` : ''}`,
  );
});
