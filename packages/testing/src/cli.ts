#!/usr/bin/env node
import { runEmulatorCli } from './run-emulator-cli.js';

process.exitCode = await runEmulatorCli(process.argv.slice(2));
