/** Where the CLI writes text. `process.stdout` and `process.stderr` fit. */
export interface CliOutput {
  write(text: string): unknown;
  /** A terminal: progress is drawn as a spinner rather than printed as lines. */
  isTTY?: boolean;
}

/** Where the CLI reads prompted secrets from. `process.stdin` fits. */
export type CliInput = NodeJS.ReadableStream & {
  /** Secrets are asked for only on a terminal; otherwise they must come from the environment. */
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
};

/** Everything the CLI touches outside itself, so that tests run it in-process. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  /** Read for credentials (`GOMUS_TOKEN`, `MUSEMENT_CLIENT_SECRET`, ...); the process environment is not consulted. */
  env: Readonly<Record<string, string | undefined>>;
}
