import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** @default 120_000 */
  timeoutMs?: number;
}

/**
 * Runs a command without blocking the event loop (the emulators the command talks to live in this process) and
 * returns its stdout; a failure throws with the command, its exit code and both outputs, so a test says what broke.
 */
export async function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${options.cwd} failed (${String(failure.code ?? failure.message)}):\n` +
        `${failure.stdout ?? ''}\n${failure.stderr ?? ''}`.trim(),
    );
  }
}
