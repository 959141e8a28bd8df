import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import type { CliInput } from '../cli-io.js';
import { runCli } from '../run-cli.js';

export interface CapturedRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON object `--json` promises. */
  json(): Record<string, unknown> & { error?: Record<string, unknown> };
}

export interface RunOptions {
  env?: Record<string, string>;
  stdin?: CliInput;
  /** Pretend stderr is a terminal (spinner). */
  stderrIsTTY?: boolean;
  /** Called with every chunk written to stderr, as it is written (e.g. to answer a prompt). */
  onStderr?: (text: string) => void;
}

/** Runs `auth-check` in-process with captured streams and only the given environment. */
export async function runCaptured(argv: readonly string[], options: RunOptions = {}): Promise<CapturedRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await runCli(argv, {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: {
      write: (text: string) => {
        stderr.push(text);
        options.onStderr?.(text);
      },
      isTTY: options.stderrIsTTY ?? false,
    },
    stdin: options.stdin ?? new PassThrough(),
    env: options.env ?? {},
  });
  const output = stdout.join('');
  return {
    exitCode,
    stdout: output,
    stderr: stderr.join(''),
    json() {
      const lines = output.trim().split('\n');
      if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got ${lines.length}:\n${output}`);
      return JSON.parse(lines[0] as string);
    },
  };
}

/** A stdin that claims to be a terminal, recording raw-mode switches; write to it to answer prompts. */
export function fakeTerminalInput(): PassThrough & {
  isTTY: true;
  rawModes: boolean[];
  setRawMode(mode: boolean): void;
} {
  const input = new PassThrough() as PassThrough & {
    isTTY: true;
    rawModes: boolean[];
    setRawMode(mode: boolean): void;
  };
  input.isTTY = true;
  input.rawModes = [];
  input.setRawMode = (mode: boolean) => void input.rawModes.push(mode);
  return input;
}

/** A URL on 127.0.0.1 where nothing listens: a port just released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
