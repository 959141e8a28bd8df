// A process that gets a token through a TokenManager on a shared FileTokenStore, logging in against the test's
// loopback OAuth server. Run by plain node on core's sources (`--import ./resolve-typescript-sources.ts`).
//
// Prints `ready` once loaded, waits for a line on stdin (so that the test can start every child at the same moment),
// then prints one JSON line: the events of its warn and error log records. Tokens are never printed.
import { createInterface } from 'node:readline';
import { FileTokenStore } from '../file-token-store.js';
import { captureLogger } from './capture-logger.js';
import { createOAuthClient } from './create-oauth-client.js';
import type { OAuthServer } from './start-oauth-server.js';

const setting = (name: string): string => {
  const value = process.env[`FILE_STORE_CHILD_${name}`];
  if (value === undefined) throw new Error(`file store child: FILE_STORE_CHILD_${name} is not set`);
  return value;
};

const logger = captureLogger();
const server = { url: setting('SERVER_URL'), options: { clientSecret: setting('CLIENT_SECRET') } } as OAuthServer;
const { tokens } = createOAuthClient(server, { store: new FileTokenStore(setting('STORE_PATH')), logger });

const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise((resolve) => lines.once('line', resolve));
lines.close();

await tokens.getToken();
await tokens.close();
const problems = logger.records.filter((entry) => entry.level === 'warn' || entry.level === 'error');
process.stdout.write(
  `${JSON.stringify({ result: 'ok', problems: problems.map((entry) => (entry.record as { event?: string }).event) })}\n`,
);
