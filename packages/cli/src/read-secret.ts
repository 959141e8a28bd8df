import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

export interface ReadSecretOptions {
  /** For the prompt and the message, e.g. `Musement client secret`. */
  label: string;
  /** Where the secret is read from first, e.g. `MUSEMENT_CLIENT_SECRET`. */
  environmentVariable: string;
}

/**
 * A secret from the environment, or asked for on the terminal with echo off. Never from the command line: arguments
 * end up in shell history and in every `ps` listing. Without a terminal and without the variable, a `UsageError`.
 */
export async function readSecret(io: CliIo, { label, environmentVariable }: ReadSecretOptions): Promise<string> {
  const fromEnvironment = io.env[environmentVariable];
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') return fromEnvironment;
  if (!io.stdin.isTTY) {
    throw new UsageError(
      `${label} is missing: set ${environmentVariable}, or run in a terminal to be asked for it. It is never read from the command line.`,
    );
  }
  const answer = await promptHidden(io, `${label} (input hidden): `);
  if (answer.trim() === '') throw new UsageError(`${label} is empty.`);
  return answer;
}

/** Reads one line without echoing it: readline runs the terminal raw and echoes into a stream that drops everything. */
function promptHidden(io: CliIo, question: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  io.stderr.write(question);
  const lines = createInterface({ input: io.stdin, output: muted, terminal: true });
  return new Promise<string>((resolve, reject) => {
    const cancelled = () => reject(new UsageError('cancelled at the prompt.'));
    lines.once('SIGINT', cancelled);
    lines.once('close', cancelled); // end of input before a line: settles nothing once answered
    lines.question('', resolve);
  }).finally(() => {
    lines.close();
    io.stderr.write('\n');
  });
}
