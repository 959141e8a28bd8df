import { parseArgs } from 'node:util';
import { emulatorExitCodes } from './emulator-exit-codes.js';
import { gomusTestTokens } from './gomus/gomus-test-tokens.js';
import { startGomusEmulator } from './gomus/start-gomus-emulator.js';
import { musementTestCredentials } from './musement/musement-test-credentials.js';
import { startMusementEmulator } from './musement/start-musement-emulator.js';
import { musimapTestCredentials } from './musimap/musimap-test-credentials.js';
import { startMusimapEmulator } from './musimap/start-musimap-emulator.js';

export interface EmulatorCliTerminal {
  /** Where the listing goes. @default process.stdout */
  write(text: string): void;
  /** Where usage errors go. @default process.stderr */
  writeError(text: string): void;
  /** Stops the emulators when aborted, besides SIGINT, SIGTERM and `--duration-seconds`. */
  signal?: AbortSignal;
}

const usage = `Usage: auth-emulator [options]

Starts emulators of go~mus, Musement and Musimap on 127.0.0.1 and prints their URLs and test credentials.
Stops on SIGINT or SIGTERM.

Options:
  --duration-seconds <n>  stop after n seconds
  --gomus-port <port>     port of the go~mus emulator (default: a free one)
  --musement-port <port>  port of the Musement emulator (default: a free one)
  --musimap-port <port>   port of the Musimap emulator (default: a free one)
  --json                  print one JSON line instead of text
  -h, --help              show this help

Exit codes: 0 stopped as asked (or --help), 1 usage error or the emulators could not start.
`;

const defaultTerminal: EmulatorCliTerminal = {
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
};

/**
 * The `auth-emulator` command. Resolves with the exit code (`emulatorExitCodes`) once the emulators are stopped: 0, or
 * 1 for a usage error or emulators that could not start (those that did are closed first).
 */
export async function runEmulatorCli(
  commandArguments: readonly string[],
  terminal: EmulatorCliTerminal = defaultTerminal,
): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(commandArguments);
  } catch (error) {
    terminal.writeError(`auth-emulator: ${messageOf(error)}\n\n${usage}`);
    return emulatorExitCodes.failure;
  }
  if (values.help) {
    terminal.write(usage);
    return emulatorExitCodes.ok;
  }
  const durationSeconds = values['duration-seconds'] === undefined ? undefined : Number(values['duration-seconds']);
  const ports = [values['gomus-port'], values['musement-port'], values['musimap-port']].map((port) =>
    port === undefined ? 0 : Number(port),
  );
  const invalid =
    (durationSeconds !== undefined && !(durationSeconds >= 0)) ||
    ports.some((port) => !Number.isInteger(port) || port < 0 || port > 65_535);
  if (invalid) {
    terminal.writeError(
      `auth-emulator: --duration-seconds needs a number >= 0 and ports an integer 0-65535\n\n${usage}`,
    );
    return emulatorExitCodes.failure;
  }

  const started = await Promise.allSettled([
    startGomusEmulator({ port: ports[0] }),
    startMusementEmulator({ port: ports[1] }),
    startMusimapEmulator({ port: ports[2] }),
  ]);
  const [gomus, musement, musimap] = started.map((result) =>
    result.status === 'fulfilled' ? result.value : undefined,
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined || gomus === undefined || musement === undefined || musimap === undefined) {
    await Promise.all([gomus?.close(), musement?.close(), musimap?.close()]);
    terminal.writeError(`auth-emulator: the emulators could not start: ${messageOf(failed?.reason)}\n`);
    return emulatorExitCodes.failure;
  }
  const listing = {
    gomus: { url: gomus.url, apiUrl: `${gomus.url}/api/v4/`, tokens: gomusTestTokens },
    musement: { url: musement.url, apiUrl: `${musement.url}/api/v3/`, ...musementTestCredentials },
    musimap: { url: musimap.url, ...musimapTestCredentials },
  };
  terminal.write(values.json ? `${JSON.stringify(listing)}\n` : describe(listing));

  await new Promise<void>((resolve) => {
    const timer = durationSeconds === undefined ? undefined : setTimeout(stop, durationSeconds * 1000);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    terminal.signal?.addEventListener('abort', stop, { once: true });
    if (terminal.signal?.aborted) stop();
    function stop() {
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      terminal.signal?.removeEventListener('abort', stop);
      resolve();
    }
  });
  await Promise.all([gomus.close(), musement.close(), musimap.close()]);
  if (!values.json) terminal.write('auth-emulator: stopped\n');
  return emulatorExitCodes.ok;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parse(commandArguments: readonly string[]) {
  return parseArgs({
    args: [...commandArguments],
    strict: true,
    allowPositionals: false,
    options: {
      'duration-seconds': { type: 'string' },
      'gomus-port': { type: 'string' },
      'musement-port': { type: 'string' },
      'musimap-port': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

function describe(listing: {
  gomus: { apiUrl: string; tokens: typeof gomusTestTokens };
  musement: { apiUrl: string } & typeof musementTestCredentials;
  musimap: { url: string } & typeof musimapTestCredentials;
}): string {
  const { gomus, musement, musimap } = listing;
  return [
    'auth-emulator: running (Ctrl-C to stop)',
    '',
    `go~mus    ${gomus.apiUrl}`,
    `  user token       ${gomus.tokens.user}`,
    `  reseller token   ${gomus.tokens.reseller}`,
    '',
    `Musement  ${musement.apiUrl}`,
    `  client id        ${musement.clientId}`,
    `  client secret    ${musement.clientSecret}`,
    `  application      ${musement.application}`,
    `  username         ${musement.username}`,
    `  password         ${musement.password}`,
    '',
    `Musimap   ${musimap.url}/`,
    `  client id        ${musimap.clientId}`,
    `  client secret    ${musimap.clientSecret}`,
    '',
  ].join('\n');
}
