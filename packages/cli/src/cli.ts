#!/usr/bin/env node
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Read only when a secret is asked for: opening stdin early could keep the process waiting.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});
