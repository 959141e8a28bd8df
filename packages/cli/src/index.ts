export type { CliInput, CliIo, CliOutput } from './cli-io.js';
export { exitCodeFor, exitCodes } from './exit-codes.js';
export { runCli } from './run-cli.js';
