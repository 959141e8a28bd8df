// The repository's one way for a test to run a child process (node on a script, a built bin): to its end with
// `runChildProcess`, or beside the test, read line by line, with `startChildProcess`. It lives in core's test-support
// because core's own tests use it and core may not depend on @auth/testing; it imports nothing but Node's built-ins,
// so the other packages' tests and the tooling import it by relative path. Not part of any published entry point.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildProcessOptions {
  /** The child's whole environment. @default this process's */
  env?: NodeJS.ProcessEnv;
  /** @default this process's working directory */
  cwd?: string;
  /** Keep the child's stdin open as a pipe (`process.stdin`); else it reads nothing. @default false */
  stdin?: boolean;
}

export interface ChildProcessResult {
  pid: number | undefined;
  /** Null when a signal ended the child. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Killed (SIGKILL) after `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, as they arrived. */
  output: string;
}

/** Runs `command` to its end; resolves (never rejects) with its exit and output. */
export function runChildProcess(
  command: string,
  args: readonly string[],
  options: ChildProcessOptions & { /** SIGKILL after this long. @default none */ timeoutMs?: number } = {},
): Promise<ChildProcessResult> {
  const child = spawnChild(command, args, options);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output += chunk;
  });
  let timedOut = false;
  const limit =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs);
  return new Promise((resolve) => {
    const done = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(limit);
      resolve({ pid: child.pid, exitCode, signal, timedOut, stdout, stderr, output });
    };
    // `close`, not `exit`: every byte of stdout and stderr has been read by then.
    child.once('close', done);
    child.once('error', (error) => {
      stderr += `${error}`;
      output += `${error}`;
      done(null, null);
    });
  });
}

export interface StartedChildProcess {
  process: ChildProcess;
  /** Every complete stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line matching `pattern`; rejects when the child exits without printing one. */
  waitForLine(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `command` and returns at once: the test reads its stdout line by line and ends it when it wants. */
export function startChildProcess(
  command: string,
  args: readonly string[],
  options: ChildProcessOptions = {},
): StartedChildProcess {
  const child = spawnChild(command, args, options);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      lines.push(line);
      for (const waiter of waiters.filter((candidate) => candidate.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    lines,
    exited,
    waitForLine: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before "${pattern}": ${lines.join(' | ')} ${stderr}`)),
        );
      });
    },
  };
}

function spawnChild(command: string, args: readonly string[], options: ChildProcessOptions): ChildProcess {
  return spawn(command, args, {
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
}
