import type { Logger } from '@auth/core';
import type { CliIo } from './cli-io.js';
import type { CommandLine } from './parse-command-line.js';

/** What a check command found: text rows for people, an object for `--json`. */
export interface CheckResult {
  /** The provider and host, e.g. `Musement  https://api.musement.com`. */
  heading: string;
  /** Label and value, one row each. */
  rows: Array<[label: string, value: string]>;
  /** The last line, e.g. `ok: the credentials were accepted`. */
  verdict: string;
  /** The `--json` object (besides `ok: true`). Holds the access token only with `--show-token`. */
  json: Record<string, unknown>;
}

export interface CheckContext {
  io: CliIo;
  commandLine: CommandLine;
  /** With `--verbose`: core's records on stderr. */
  logger: Logger | undefined;
}

/** Prints a result: one JSON object on stdout with `--json`, aligned rows otherwise. */
export function writeCheckResult(io: CliIo, result: CheckResult, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ ok: true, ...result.json })}\n`);
    return;
  }
  const width = Math.max(...result.rows.map(([label]) => label.length)) + 2;
  const rows = result.rows.map(([label, value]) => `  ${label.padEnd(width)}${value}\n`).join('');
  io.stdout.write(`${result.heading}\n${rows}${result.verdict}\n`);
}

/** A setting given as an option, else from the CLI's environment; empty counts as missing. */
export function settingFrom(io: CliIo, option: string | undefined, environmentVariable: string): string | undefined {
  if (option !== undefined) return option;
  const value = io.env[environmentVariable];
  return value === undefined || value.trim() === '' ? undefined : value;
}
