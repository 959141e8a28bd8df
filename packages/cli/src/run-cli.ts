import { checkGomus } from './check-gomus.js';
import { checkMusement } from './check-musement.js';
import { checkMusimap } from './check-musimap.js';
import type { CheckContext, CheckResult } from './check-result.js';
import { writeCheckResult } from './check-result.js';
import type { CliIo } from './cli-io.js';
import { cliVersion } from './cli-version.js';
import { createStderrLogger } from './create-stderr-logger.js';
import { runDemo } from './demo/run-demo.js';
import { adviceFor, describeError } from './describe-error.js';
import { exitCodes } from './exit-codes.js';
import { type Command, type CommandLine, parseCommandLine } from './parse-command-line.js';
import { usage } from './usage.js';

const checks: Record<Exclude<Command, 'demo'>, (context: CheckContext) => Promise<CheckResult>> = {
  gomus: checkGomus,
  musement: checkMusement,
  musimap: checkMusimap,
};

/**
 * The `auth-check` command, without touching the process: arguments (without `node` and the script) and the streams
 * and environment to use. Resolves with the exit code: 0 ok, 1 other error, 2 credentials rejected, 3 unreachable.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), { stdout, stderr, stdin, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let commandLine: CommandLine;
  try {
    commandLine = parseCommandLine(argv);
  } catch (error) {
    return report(io, error, argv.includes('--json'), undefined);
  }
  if (commandLine.help) {
    io.stdout.write(usage);
    return exitCodes.ok;
  }
  if (commandLine.version) {
    io.stdout.write(
      commandLine.json ? `${JSON.stringify({ version: cliVersion() })}\n` : `auth-check ${cliVersion()}\n`,
    );
    return exitCodes.ok;
  }
  const logger = commandLine.verbose ? createStderrLogger(io.stderr) : undefined;
  try {
    if (commandLine.command === 'demo') return await runDemo({ io, json: commandLine.json, logger });
    const result = await checks[commandLine.command]({ io, commandLine, logger });
    writeCheckResult(io, result, commandLine.json);
    return exitCodes.ok;
  } catch (error) {
    return report(io, error, commandLine.json, commandLine.command);
  }
}

/** Prints what went wrong (JSON on stdout with `--json`) and returns the exit code it maps to. */
function report(io: CliIo, error: unknown, json: boolean, command: Command | undefined): number {
  const { exitCode, ...summary } = describeError(error);
  if (json) {
    io.stdout.write(`${JSON.stringify({ ok: false, ...(command && { command }), exitCode, error: summary })}\n`);
  } else {
    const hint = summary.name === 'UsageError' ? 'see auth-check --help' : adviceFor({ ...summary, exitCode });
    io.stderr.write(`auth-check: ${summary.message}\n  ${hint}\n`);
  }
  return exitCode;
}
